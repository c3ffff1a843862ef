/**
 * 差评 follow-ups (国办发〔2019〕51号: every 差评 is followed up; 实名差评 called back).
 * Released: never edited; a change is a new step.
 */
export const step003 = `CREATE TABLE followups (
     outcome_id TEXT PRIMARY KEY REFERENCES outcomes (id),
     class      TEXT NOT NULL CHECK (class IN ('immediate', '5wd', '15wd')),
     opened_at  INTEGER NOT NULL,
     due_at     INTEGER NOT NULL,
     closed_at  INTEGER,
     note       TEXT
   );
   CREATE INDEX followups_open ON followups (closed_at, due_at);`;
