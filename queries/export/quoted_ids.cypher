// Which of some words are identifiers the graph holds: reasons quote devices by id, and
// investigators' notes may quote any id; these are masked wherever such text is shown.
// Parameters: $words.
UNWIND $words AS word
WITH word
WHERE EXISTS { MATCH (:Device {device_id: word}) } OR EXISTS { MATCH (:Account {account_id: word}) }
   OR EXISTS { MATCH (:Person {person_id: word}) } OR EXISTS { MATCH (:Sim {msisdn: word}) }
RETURN word
