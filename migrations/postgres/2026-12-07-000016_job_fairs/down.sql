DROP INDEX referrals_job_fair;
ALTER TABLE referrals DROP COLUMN job_fair_id;
DROP TABLE job_fair_workers;
DROP TABLE job_fair_vacancies;
DROP TABLE job_fair_communes;
DROP TABLE job_fairs;
