// Constraints and indexes every duanka database has (applied by `duanka neo4j schema`).
CREATE CONSTRAINT person_person_id_unique IF NOT EXISTS FOR (n:Person) REQUIRE n.person_id IS UNIQUE;
CREATE INDEX person_id_number_index IF NOT EXISTS FOR (n:Person) ON (n.id_number);
CREATE CONSTRAINT sim_msisdn_unique IF NOT EXISTS FOR (n:Sim) REQUIRE n.msisdn IS UNIQUE;
CREATE INDEX sim_imsi_index IF NOT EXISTS FOR (n:Sim) ON (n.imsi);
CREATE CONSTRAINT account_account_id_unique IF NOT EXISTS FOR (n:Account) REQUIRE n.account_id IS UNIQUE;
CREATE CONSTRAINT device_device_id_unique IF NOT EXISTS FOR (n:Device) REQUIRE n.device_id IS UNIQUE;
CREATE CONSTRAINT outlet_outlet_id_unique IF NOT EXISTS FOR (n:Outlet) REQUIRE n.outlet_id IS UNIQUE;
CREATE CONSTRAINT report_report_id_unique IF NOT EXISTS FOR (n:Report) REQUIRE n.report_id IS UNIQUE;
CREATE INDEX report_fraud_type_index IF NOT EXISTS FOR (n:Report) ON (n.fraud_type);
CREATE CONSTRAINT run_run_id_unique IF NOT EXISTS FOR (n:Run) REQUIRE n.run_id IS UNIQUE;
CREATE CONSTRAINT cluster_cluster_id_unique IF NOT EXISTS FOR (n:Cluster) REQUIRE n.cluster_id IS UNIQUE;
CREATE INDEX cluster_run_id_index IF NOT EXISTS FOR (n:Cluster) ON (n.run_id);
CREATE CONSTRAINT decision_decision_id_unique IF NOT EXISTS FOR (n:Decision) REQUIRE n.decision_id IS UNIQUE;
CREATE INDEX decision_status_index IF NOT EXISTS FOR (n:Decision) ON (n.status);
CREATE CONSTRAINT transfer_transfer_id_unique IF NOT EXISTS FOR ()-[r:TRANSFER]-() REQUIRE r.transfer_id IS UNIQUE;
