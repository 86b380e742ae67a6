// The latest completed detection run and what it was run with: an incremental run builds on it only
// when it kept what an increment needs and was run with the same model, calibration, learned ranking and parameters.
// Parameters: none. One row, or none before the first run.
MATCH (r:Run {kind: 'detect', status: 'completed'})
RETURN r.run_id AS run_id, r.started_at AS started_at, r.model_version AS model_version,
       r.calibration AS calibration, coalesce(r.learned, 'none') AS learned, r.engine AS engine, r.resolution AS resolution, r.seed AS seed,
       r.min_score AS min_score, coalesce(r.keeps_increments, false) AS keeps_increments,
       r.money_suspects_json AS money_suspects_json, r.co_callers_json AS co_callers_json
ORDER BY r.finished_at DESC LIMIT 1
