/// The store's schema, one step a version. A step is never edited once shipped:
/// a change is a new step, and `schemaVersion` (PRAGMA user_version) says how far a file is.
public enum Migrations {
    static let steps: [String] = [v1, v2, v3Diary, v4CompactChanges, v5AgreedMark, v6PlainChecks, v7AccountIndex]

    /// The steps (their target versions) that edit a table's text in `sqlite_master` under
    /// `writable_schema`: the schema cookie is moved on after them, as SQLite's procedure for
    /// such changes says (lang_altertable.html, "Making other kinds of table schema changes").
    static let editsSchemaText: Set<Int> = [6]

    public static var latest: Int { steps.count }

    /// Version 1: the school, the journal's typed tables, the change log and tombstones.
    static let v1 = """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    CREATE TABLE academic_year (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        UNIQUE (name)
    ) STRICT;
    CREATE TABLE study_period (
        id TEXT PRIMARY KEY,
        year TEXT NOT NULL REFERENCES academic_year(id),
        name TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        UNIQUE (year, name)
    ) STRICT;
    CREATE TABLE teacher (
        id TEXT PRIMARY KEY,
        surname TEXT NOT NULL,
        name TEXT NOT NULL,
        patronymic TEXT
    ) STRICT;
    CREATE TABLE subject (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        UNIQUE (name)
    ) STRICT;
    CREATE TABLE work_type (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        abbr TEXT,
        UNIQUE (name)
    ) STRICT;
    CREATE TABLE class_unit (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        grade INTEGER NOT NULL,
        teacher TEXT REFERENCES teacher(id),
        UNIQUE (name)
    ) STRICT;
    CREATE TABLE student (
        id TEXT PRIMARY KEY,
        file_number TEXT,
        surname TEXT NOT NULL,
        name TEXT NOT NULL,
        patronymic TEXT,
        birth_date TEXT,
        snils TEXT,
        gender TEXT,
        class TEXT REFERENCES class_unit(id),
        status TEXT NOT NULL CHECK (status IN ('active','withdrawn')),
        UNIQUE (file_number)
    ) STRICT;
    CREATE TABLE guardian (
        id TEXT PRIMARY KEY,
        surname TEXT NOT NULL,
        name TEXT NOT NULL,
        patronymic TEXT,
        snils TEXT,
        phone TEXT
    ) STRICT;
    CREATE TABLE guardianship (
        id TEXT PRIMARY KEY,
        student TEXT NOT NULL REFERENCES student(id),
        guardian TEXT NOT NULL REFERENCES guardian(id),
        UNIQUE (student, guardian)
    ) STRICT;
    CREATE TABLE class_group (
        id TEXT PRIMARY KEY,
        class TEXT NOT NULL REFERENCES class_unit(id),
        subject TEXT NOT NULL REFERENCES subject(id),
        name TEXT NOT NULL,
        teacher TEXT REFERENCES teacher(id),
        UNIQUE (class, subject, name)
    ) STRICT;
    CREATE TABLE group_member (
        id TEXT PRIMARY KEY,
        "group" TEXT NOT NULL REFERENCES class_group(id),
        student TEXT NOT NULL REFERENCES student(id),
        UNIQUE ("group", student)
    ) STRICT;
    CREATE TABLE lesson (
        id TEXT PRIMARY KEY,
        class TEXT NOT NULL REFERENCES class_unit(id),
        "group" TEXT REFERENCES class_group(id),
        subject TEXT NOT NULL REFERENCES subject(id),
        date TEXT NOT NULL,
        number INTEGER NOT NULL,
        teacher TEXT REFERENCES teacher(id),
        substitute TEXT REFERENCES teacher(id),
        topic TEXT
    ) STRICT;
    CREATE TABLE homework (
        id TEXT PRIMARY KEY,
        lesson TEXT NOT NULL REFERENCES lesson(id),
        text TEXT NOT NULL,
        due TEXT,
        UNIQUE (lesson)
    ) STRICT;
    CREATE TABLE mark (
        id TEXT PRIMARY KEY,
        lesson TEXT NOT NULL REFERENCES lesson(id),
        student TEXT NOT NULL REFERENCES student(id),
        work_type TEXT NOT NULL REFERENCES work_type(id),
        value TEXT,
        point INTEGER NOT NULL DEFAULT 0,
        weight INTEGER,
        UNIQUE (lesson, student, work_type)
    ) STRICT;
    CREATE TABLE attendance (
        id TEXT PRIMARY KEY,
        lesson TEXT NOT NULL REFERENCES lesson(id),
        student TEXT NOT NULL REFERENCES student(id),
        kind TEXT NOT NULL CHECK (kind IN ('absent','late')),
        reason TEXT,
        UNIQUE (lesson, student)
    ) STRICT;
    CREATE TABLE final_mark (
        id TEXT PRIMARY KEY,
        student TEXT NOT NULL REFERENCES student(id),
        subject TEXT NOT NULL REFERENCES subject(id),
        period TEXT NOT NULL REFERENCES study_period(id),
        value TEXT NOT NULL,
        UNIQUE (student, subject, period)
    ) STRICT;
    CREATE TABLE movement (
        id TEXT PRIMARY KEY,
        student TEXT NOT NULL REFERENCES student(id),
        kind TEXT NOT NULL,
        date TEXT NOT NULL,
        from_class TEXT,
        to_class TEXT,
        details TEXT
    ) STRICT;
    CREATE UNIQUE INDEX lesson_key ON lesson (class, ifnull("group", ''), date, number);
    CREATE UNIQUE INDEX teacher_key ON teacher (surname, name, ifnull(patronymic, ''));
    CREATE INDEX lesson_date ON lesson (date);
    CREATE INDEX mark_student ON mark (student);
    CREATE INDEX attendance_student ON attendance (student);
    CREATE INDEX movement_student ON movement (student);
    CREATE INDEX guardianship_guardian ON guardianship (guardian);    CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        entity TEXT NOT NULL,
        record_id TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('create','update','delete')),
        changes TEXT NOT NULL,
        source TEXT NOT NULL,
        run_id TEXT,
        account TEXT,
        at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX change_log_record ON change_log (entity, record_id);
    CREATE TABLE tombstone (
        entity TEXT NOT NULL,
        record_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (entity, record_id)
    ) STRICT;
    """

    /// Version 2: what syncing with counterparts needs: the identity map, agreed bases,
    /// the conflict queue, the run journal and its outbox (docs/sync.md explains each).
    static let v2 = """
    CREATE TABLE identity (
        counterpart TEXT NOT NULL,
        entity TEXT NOT NULL,
        local_id TEXT NOT NULL,
        external_id TEXT NOT NULL,
        natural_key TEXT,
        PRIMARY KEY (counterpart, entity, external_id),
        UNIQUE (counterpart, entity, local_id)
    ) STRICT;
    CREATE INDEX identity_key ON identity (counterpart, entity, natural_key);
    CREATE TABLE sync_base (
        counterpart TEXT NOT NULL,
        entity TEXT NOT NULL,
        local_id TEXT NOT NULL,
        fields TEXT,
        version TEXT,
        epoch INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (counterpart, entity, local_id)
    ) STRICT;
    CREATE TABLE conflict (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        counterpart TEXT NOT NULL,
        entity TEXT NOT NULL,
        local_id TEXT NOT NULL,
        field TEXT NOT NULL,
        base TEXT,
        local TEXT,
        remote TEXT,
        remote_version TEXT,
        policy TEXT NOT NULL,
        run_id TEXT,
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT
    ) STRICT;
    CREATE INDEX conflict_open ON conflict (counterpart, entity, local_id) WHERE resolved_at IS NULL;
    CREATE TABLE sync_run (
        id TEXT PRIMARY KEY,
        counterpart TEXT NOT NULL,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        cursor_start TEXT,
        cursor_end TEXT,
        summary TEXT
    ) STRICT;
    CREATE TABLE run_checkpoint (
        run_id TEXT NOT NULL REFERENCES sync_run(id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
    ) STRICT;
    CREATE TABLE sync_cursor (
        counterpart TEXT PRIMARY KEY,
        cursor TEXT,
        epoch INTEGER NOT NULL DEFAULT 0,
        full_pull INTEGER NOT NULL DEFAULT 0,
        push_mark INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE sync_pending (
        counterpart TEXT NOT NULL,
        entity TEXT NOT NULL,
        local_id TEXT NOT NULL,
        PRIMARY KEY (counterpart, entity, local_id)
    ) STRICT;
    CREATE TABLE sync_parked (
        counterpart TEXT NOT NULL,
        entity TEXT NOT NULL,
        external_id TEXT NOT NULL,
        record TEXT NOT NULL,
        reason TEXT NOT NULL,
        run_id TEXT,
        at TEXT NOT NULL,
        PRIMARY KEY (counterpart, entity, external_id)
    ) STRICT;
    CREATE TABLE outbox (
        key TEXT PRIMARY KEY,
        counterpart TEXT NOT NULL,
        entity TEXT NOT NULL,
        local_id TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('upsert','delete')),
        payload TEXT NOT NULL,
        base_version TEXT,
        wire TEXT,
        batch TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending','applied','conflict','rejected','failed')),
        run_id TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        result TEXT
    ) STRICT;
    CREATE INDEX outbox_pending ON outbox (counterpart, status);
    CREATE INDEX change_log_account ON change_log (account, at);
    """

    /// Version 3: the parents' diary feed (docs/diary-feed.md): its cursors, the outbox of
    /// planned events (pending until the portal answers; rejected ones kept with their
    /// reason), and the last forecast sent per student, subject and period.
    static let v3Diary = """
    CREATE TABLE diary_feed (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        snapshot_seq INTEGER NOT NULL,
        planned_seq INTEGER NOT NULL,
        delivered_seq INTEGER NOT NULL,
        batches INTEGER NOT NULL DEFAULT 0,
        year_start TEXT,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE diary_event (
        event_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        entity TEXT NOT NULL,
        record_id TEXT NOT NULL,
        student TEXT NOT NULL,
        guardians TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending','rejected')),
        reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        changed_at TEXT NOT NULL,
        rejected_at TEXT
    ) STRICT;
    CREATE INDEX diary_event_status ON diary_event (status, seq);
    CREATE INDEX diary_event_student ON diary_event (student, status);
    CREATE INDEX diary_event_record ON diary_event (entity, record_id);
    CREATE TABLE diary_forecast (
        student TEXT NOT NULL,
        subject TEXT NOT NULL,
        period TEXT NOT NULL,
        value TEXT,
        seq INTEGER NOT NULL,
        PRIMARY KEY (student, subject, period)
    ) STRICT;
    """

    /// Version 4: the change log's `changes` in the compact form (``ChangeCodec``, a BLOB per
    /// entry); entries written before keep their JSON text, so the column takes either. The
    /// table is rebuilt (SQLite cannot change a column's type), keeping every `seq` and the
    /// AUTOINCREMENT high-water mark.
    static let v4CompactChanges = """
    CREATE TABLE change_log_v4 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        entity TEXT NOT NULL,
        record_id TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('create','update','delete')),
        changes ANY NOT NULL,
        source TEXT NOT NULL,
        run_id TEXT,
        account TEXT,
        at TEXT NOT NULL
    ) STRICT;
    INSERT INTO change_log_v4 (seq, entity, record_id, op, changes, source, run_id, account, at)
        SELECT seq, entity, record_id, op, changes, source, run_id, account, at FROM change_log ORDER BY seq;
    INSERT INTO sqlite_sequence (name, seq)
        SELECT 'change_log_v4', seq FROM sqlite_sequence
        WHERE name = 'change_log' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'change_log_v4');
    UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM sqlite_sequence WHERE name IN ('change_log', 'change_log_v4'))
        WHERE name = 'change_log_v4';
    DROP TABLE change_log;
    ALTER TABLE change_log_v4 RENAME TO change_log;
    CREATE INDEX change_log_record ON change_log (entity, record_id);
    CREATE INDEX change_log_account ON change_log (account, at);
    """

    /// Version 5: `sync_base.agreed_seq`, the change log's last `seq` when a pull left the
    /// journal's record exactly as the base (nothing to push, no open conflict): the push plan
    /// passes over a record changed only up to that mark without reading it (docs/sync.md,
    /// "Agreed mark"). NULL: not known to agree.
    static let v5AgreedMark = """
    ALTER TABLE sync_base ADD COLUMN agreed_seq INTEGER;
    """

    /// Version 6: the change log's `op` and the outbox's `status` CHECKs as comparisons joined by
    /// OR instead of `IN (…)` lists of three and five. SQLite codes an `IN` list of more than two
    /// values in a CHECK as a temporary B-tree built on every row written: 2.7 µs more per
    /// change-log insert (measured: 300,000 single-row inserts, 1.79 s against 0.96 s), the
    /// cost of ~9% of a journal import. The predicates are equivalent, so every stored row
    /// still satisfies them and nothing on disk changes: the tables' text is edited in place
    /// (`writable_schema`), which SQLite documents for constraint changes of this kind. A
    /// store whose text differs (none is known) is left as it is; so is every store when this
    /// SQLite refuses the edit (``JournalStore/editSchemaText(_:_:)``). PostgreSQL: nothing to do.
    static let v6PlainChecks = """
    PRAGMA writable_schema = ON;
    UPDATE sqlite_master SET sql = replace(sql, 'CHECK (op IN (''create'',''update'',''delete''))',
                                           'CHECK (op = ''create'' OR op = ''update'' OR op = ''delete'')')
        WHERE type = 'table' AND name = 'change_log';
    UPDATE sqlite_master SET sql = replace(sql, 'CHECK (status IN (''pending'',''applied'',''conflict'',''rejected'',''failed''))',
                                           'CHECK (status = ''pending'' OR status = ''applied'' OR status = ''conflict'' OR status = ''rejected'' OR status = ''failed'')')
        WHERE type = 'table' AND name = 'outbox';
    PRAGMA writable_schema = OFF;
    """

    /// Version 7: the change log's index by account holds only the entries a person made
    /// (a conflict resolved, a quarantined item settled: `account` set). Imports and syncs
    /// write NULL there, so the index took one more B-tree insert for every record they wrote,
    /// for rows no query asks for: ``JournalStore/changes(byAccount:since:)`` asks
    /// `account = ?`, which implies `account IS NOT NULL`, so SQLite (and PostgreSQL) still
    /// use the index. Measured: a journal import of 942,928 records, wall 12.2 s → 10.2 s.
    static let v7AccountIndex = """
    DROP INDEX change_log_account;
    CREATE INDEX change_log_account ON change_log (account, at) WHERE account IS NOT NULL;
    """
}
