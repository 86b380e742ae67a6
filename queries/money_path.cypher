// The money path from a (reported) account: transfers out of it and onward, up to
// three hops, each hop later than the one before and within $hours of it — the
// "fast in, fast out" layering of 跑分 mule accounts.
// Parameters: $account_id, $hours (e.g. 72), $limit (e.g. 100).
MATCH path = (a:Account {account_id: $account_id})-[:TRANSFER*1..3]->(b:Account)
WHERE all(i IN range(0, size(relationships(path)) - 2)
          WHERE relationships(path)[i].ts <= relationships(path)[i + 1].ts
            AND relationships(path)[i + 1].ts < relationships(path)[i].ts + duration({hours: $hours}))
RETURN path, size(relationships(path)) AS hops, b.account_id AS reaches,
       [t IN relationships(path) | t.amount] AS amounts, [t IN relationships(path) | t.ts] AS times
ORDER BY hops, times[0]
LIMIT $limit
