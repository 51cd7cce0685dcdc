-- =====================================================================================
-- Orleans ADO.NET provider schema for PostgreSQL (invariant "Npgsql").
--
-- Targets exactly Microsoft.Orleans.Clustering.AdoNet, .Persistence.AdoNet and
-- .Reminders.AdoNet 10.4.2. The parameter names and result columns used below are the
-- ones those assemblies send/read (see README.md next to this file); they differ from
-- the scripts on the Orleans main branch (no MetadataJson, no PayloadJson/PayloadXml,
-- no cron reminder columns).
--
-- Idempotent: safe to run on every silo start. The caller runs it inside one
-- transaction that holds pg_advisory_xact_lock, so concurrent silos serialise on it.
-- All identifiers are unquoted and therefore fold to lower case.
-- All time columns are timestamptz: Npgsql sends the providers' DateTime parameters
-- (DbType.DateTime, Kind=Utc) as timestamptz, so no session time zone is involved.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- Query catalogue read by all three providers ("SELECT QueryKey, QueryText FROM OrleansQuery").
-- -------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL,
    querytext text        NOT NULL,
    CONSTRAINT pk_orleansquery PRIMARY KEY (querykey)
);

-- -------------------------------------------------------------------------------------
-- Clustering (membership) tables.
-- One version row per cluster (DeploymentId = ClusterId); every membership change bumps it.
-- -------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar(150) NOT NULL,
    timestamp    timestamptz  NOT NULL DEFAULT now(),
    version      integer      NOT NULL DEFAULT 0,
    CONSTRAINT pk_orleansmembershipversiontable PRIMARY KEY (deploymentid)
);

CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar(150) NOT NULL,
    address      varchar(45)  NOT NULL,
    port         integer      NOT NULL,
    generation   integer      NOT NULL,
    siloname     varchar(150) NOT NULL,
    hostname     varchar(253) NOT NULL,
    status       integer      NOT NULL,
    proxyport    integer      NOT NULL DEFAULT 0,
    suspecttimes text         NULL,
    starttime    timestamptz  NOT NULL,
    iamalivetime timestamptz  NOT NULL,
    CONSTRAINT pk_orleansmembershiptable PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT fk_orleansmembershiptable_version FOREIGN KEY (deploymentid)
        REFERENCES orleansmembershipversiontable (deploymentid)
);

-- Inserts a silo row and bumps the cluster version atomically, only if the caller's
-- version etag is still current. Returns 1 on success, 0 otherwise (stale etag or
-- the silo row already exists; in both cases nothing is changed).
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deploymentid text,
    p_address      text,
    p_port         integer,
    p_generation   integer,
    p_siloname     text,
    p_hostname     text,
    p_status       integer,
    p_proxyport    integer,
    p_starttime    timestamptz,
    p_iamalivetime timestamptz,
    p_version      integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    affected integer;
BEGIN
    BEGIN
        UPDATE orleansmembershipversiontable
           SET version = version + 1,
               timestamp = now()
         WHERE deploymentid = p_deploymentid
           AND version = p_version
           AND version < 2147483647;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RETURN 0;
        END IF;

        INSERT INTO orleansmembershiptable
            (deploymentid, address, port, generation, siloname, hostname,
             status, proxyport, suspecttimes, starttime, iamalivetime)
        VALUES
            (p_deploymentid, p_address, p_port, p_generation, p_siloname, p_hostname,
             p_status, COALESCE(p_proxyport, 0), NULL, p_starttime, p_iamalivetime);
        RETURN 1;
    EXCEPTION
        -- Row already present: the sub-transaction rolls the version bump back.
        WHEN unique_violation THEN
            RETURN 0;
    END;
END
$fn$;

-- Updates a silo row and bumps the cluster version atomically, only if the caller's
-- version etag is still current and the row exists. Returns 1 on success, 0 otherwise.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deploymentid text,
    p_address      text,
    p_port         integer,
    p_generation   integer,
    p_status       integer,
    p_suspecttimes text,
    p_iamalivetime timestamptz,
    p_version      integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    affected integer;
BEGIN
    BEGIN
        UPDATE orleansmembershipversiontable
           SET version = version + 1,
               timestamp = now()
         WHERE deploymentid = p_deploymentid
           AND version = p_version
           AND version < 2147483647;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RETURN 0;
        END IF;

        UPDATE orleansmembershiptable
           SET status = p_status,
               suspecttimes = p_suspecttimes,
               iamalivetime = GREATEST(iamalivetime, p_iamalivetime)
         WHERE deploymentid = p_deploymentid
           AND address = p_address
           AND port = p_port
           AND generation = p_generation;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            -- No such silo row: undo the version bump.
            RAISE EXCEPTION 'orleans membership row not found' USING ERRCODE = 'no_data_found';
        END IF;
        RETURN 1;
    EXCEPTION
        WHEN no_data_found THEN
            RETURN 0;
    END;
END
$fn$;

-- -------------------------------------------------------------------------------------
-- Grain storage table.
-- Identity = (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring);
-- the two hashes lead the unique index so lookups use it. The long strings enter the
-- index through md5() to keep index tuples small; NULL and non-NULL extensions are kept
-- apart by the COALESCE marker (an md5 hex string is never '-').
-- -------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainidhash            integer       NOT NULL,
    grainidn0              bigint        NOT NULL,
    grainidn1              bigint        NOT NULL,
    graintypehash          integer       NOT NULL,
    graintypestring        varchar(512)  NOT NULL,
    grainidextensionstring varchar(1024) NULL,
    serviceid              varchar(150)  NOT NULL,
    payloadbinary          bytea         NULL,
    modifiedon             timestamptz   NOT NULL DEFAULT now(),
    version                integer       NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS ux_orleansstorage_grain
    ON orleansstorage (grainidhash, graintypehash, grainidn0, grainidn1, serviceid,
                       md5(graintypestring), COALESCE(md5(grainidextensionstring), '-'));

-- -------------------------------------------------------------------------------------
-- Reminders table.
-- -------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleansreminderstable
(
    serviceid    varchar(150)  NOT NULL,
    grainid      varchar(1024) NOT NULL,
    remindername varchar(150)  NOT NULL,
    starttime    timestamptz   NOT NULL,
    period       bigint        NOT NULL,
    grainhash    integer       NOT NULL,
    version      integer       NOT NULL,
    CONSTRAINT pk_orleansreminderstable PRIMARY KEY (serviceid, grainid, remindername)
);

CREATE INDEX IF NOT EXISTS ix_orleansreminderstable_grainhash
    ON orleansreminderstable (serviceid, grainhash);

-- =====================================================================================
-- Query texts. Parameters are Npgsql named placeholders (at-sign + name, matched
-- case-insensitively).
-- Result column names are matched case-insensitively by the providers (GetOrdinal).
-- Do not put an at-sign anywhere in these texts except in front of a parameter.
-- =====================================================================================
INSERT INTO orleansquery (querykey, querytext) VALUES

-- ---------------------------------- membership ---------------------------------------
-- Sent: DeploymentId, Address, Port, Generation, IAmAliveTime. Result ignored.
('UpdateIAmAlivetimeKey', $q$
    UPDATE orleansmembershiptable
       SET iamalivetime = GREATEST(iamalivetime, @IAmAliveTime)
     WHERE deploymentid = @DeploymentId
       AND address = @Address
       AND port = @Port
       AND generation = @Generation;
$q$),

-- Sent: DeploymentId. Reads one column as boolean: true if the version row was created.
('InsertMembershipVersionKey', $q$
    WITH inserted AS (
        INSERT INTO orleansmembershipversiontable (deploymentid)
        VALUES (@DeploymentId)
        ON CONFLICT (deploymentid) DO NOTHING
        RETURNING 1
    )
    SELECT CAST(count(*) AS integer) AS inserted FROM inserted;
$q$),

-- Sent: DeploymentId, IAmAliveTime, SiloName, HostName, Address, Port, Generation,
-- StartTime, Status, ProxyPort, Version (the table version etag). Reads one boolean column.
('InsertMembershipKey', $q$
    SELECT orleans_membership_insert(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS inserted;
$q$),

-- Sent: DeploymentId, Address, Port, Generation, IAmAliveTime, Status, SuspectTimes,
-- Version. Reads one boolean column.
('UpdateMembershipKey', $q$
    SELECT orleans_membership_update(
        @DeploymentId, @Address, @Port, @Generation,
        @Status, @SuspectTimes, @IAmAliveTime, @Version) AS updated;
$q$),

-- Sent: DeploymentId, Address, Port, Generation. Must return the version row even when
-- the silo row is missing (then the membership columns are NULL).
('MembershipReadRowKey', $q$
    SELECT m.address      AS Address,
           m.port         AS Port,
           m.generation   AS Generation,
           m.siloname     AS SiloName,
           m.hostname     AS HostName,
           m.status       AS Status,
           m.proxyport    AS ProxyPort,
           m.suspecttimes AS SuspectTimes,
           m.starttime    AS StartTime,
           m.iamalivetime AS IAmAliveTime,
           v.version      AS Version
      FROM orleansmembershipversiontable v
      LEFT JOIN orleansmembershiptable m
        ON m.deploymentid = v.deploymentid
       AND m.address = @Address
       AND m.port = @Port
       AND m.generation = @Generation
     WHERE v.deploymentid = @DeploymentId;
$q$),

-- Sent: DeploymentId. Same columns; at least one row (the version row) is required.
('MembershipReadAllKey', $q$
    SELECT m.address      AS Address,
           m.port         AS Port,
           m.generation   AS Generation,
           m.siloname     AS SiloName,
           m.hostname     AS HostName,
           m.status       AS Status,
           m.proxyport    AS ProxyPort,
           m.suspecttimes AS SuspectTimes,
           m.starttime    AS StartTime,
           m.iamalivetime AS IAmAliveTime,
           v.version      AS Version
      FROM orleansmembershipversiontable v
      LEFT JOIN orleansmembershiptable m
        ON m.deploymentid = v.deploymentid
     WHERE v.deploymentid = @DeploymentId;
$q$),

-- Sent: DeploymentId.
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
    DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
$q$),

-- Sent: DeploymentId, Status (3 = Active). Reads Address, ProxyPort, Generation.
('GatewaysQueryKey', $q$
    SELECT address    AS Address,
           proxyport  AS ProxyPort,
           generation AS Generation
      FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId
       AND status = @Status
       AND proxyport > 0;
$q$),

-- Fallback only (10.4.2 prefers CleanupDefunctSiloEntryKey when present).
-- Sent: DeploymentId, IAmAliveTime (cut-off). Deletes Dead (6) rows older than the cut-off.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId
       AND status = 6
       AND iamalivetime < @IAmAliveTime
       AND starttime < @IAmAliveTime
       AND COALESCE(suspecttimes, '') = '';
$q$),

-- Optional key used by 10.4.2: deletes one Dead row whose captured values still match.
-- Sent: DeploymentId, Address, Port, Generation, SuspectTimes, StartTime, IAmAliveTime.
('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId
       AND address = @Address
       AND port = @Port
       AND generation = @Generation
       AND status = 6
       AND starttime = @StartTime
       AND iamalivetime = @IAmAliveTime
       AND COALESCE(suspecttimes, '') = COALESCE(@SuspectTimes, '');
$q$),

-- ---------------------------------- grain storage ------------------------------------
-- Sent: GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
-- GrainIdExtensionString, ServiceId. Reads PayloadBinary and Version.
('ReadFromStorageKey', $q$
    SELECT payloadbinary AS PayloadBinary,
           version       AS Version
      FROM orleansstorage
     WHERE grainidhash = @GrainIdHash
       AND graintypehash = @GrainTypeHash
       AND grainidn0 = @GrainIdN0
       AND grainidn1 = @GrainIdN1
       AND serviceid = @ServiceId
       AND graintypestring = @GrainTypeString
       AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
     LIMIT 1;
$q$),

-- Sent: the key parameters above plus GrainStateVersion (NULL for a first write) and
-- PayloadBinary. Reads NewGrainStateVersion; NULL means the etag did not match (the
-- provider then throws InconsistentStateException).
('WriteToStorageKey', $q$
    WITH updated AS (
        UPDATE orleansstorage
           SET payloadbinary = @PayloadBinary,
               modifiedon = now(),
               version = version + 1
         WHERE @GrainStateVersion IS NOT NULL
           AND version = @GrainStateVersion
           AND grainidhash = @GrainIdHash
           AND graintypehash = @GrainTypeHash
           AND grainidn0 = @GrainIdN0
           AND grainidn1 = @GrainIdN1
           AND serviceid = @ServiceId
           AND graintypestring = @GrainTypeString
           AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        RETURNING version
    ), inserted AS (
        INSERT INTO orleansstorage
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
             grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
        SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
               @GrainIdExtensionString, @ServiceId, @PayloadBinary, now(), 1
         WHERE @GrainStateVersion IS NULL
        ON CONFLICT DO NOTHING
        RETURNING version
    )
    SELECT COALESCE((SELECT version FROM updated), (SELECT version FROM inserted))
           AS NewGrainStateVersion;
$q$),

-- Sent: key parameters plus GrainStateVersion. Keeps the row, drops the payload and
-- bumps the version. Reads column 0; NULL means the etag did not match.
('ClearStorageKey', $q$
    WITH cleared AS (
        UPDATE orleansstorage
           SET payloadbinary = NULL,
               modifiedon = now(),
               version = version + 1
         WHERE version = @GrainStateVersion
           AND grainidhash = @GrainIdHash
           AND graintypehash = @GrainTypeHash
           AND grainidn0 = @GrainIdN0
           AND grainidn1 = @GrainIdN1
           AND serviceid = @ServiceId
           AND graintypestring = @GrainTypeString
           AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        RETURNING version
    )
    SELECT (SELECT version FROM cleared) AS NewGrainStateVersion;
$q$),

-- Optional (used when AdoNetGrainStorageOptions.DeleteStateOnClear = true): deletes the
-- row. Returns old version + 1 on success (any value different from the etag), NULL otherwise.
('DeleteStorageKey', $q$
    WITH deleted AS (
        DELETE FROM orleansstorage
         WHERE version = @GrainStateVersion
           AND grainidhash = @GrainIdHash
           AND graintypehash = @GrainTypeHash
           AND grainidn0 = @GrainIdN0
           AND grainidn1 = @GrainIdN1
           AND serviceid = @ServiceId
           AND graintypestring = @GrainTypeString
           AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        RETURNING version
    )
    SELECT (SELECT version + 1 FROM deleted) AS NewGrainStateVersion;
$q$),

-- ---------------------------------- reminders ----------------------------------------
-- Hashes are the uint grain hashes reinterpreted as signed int32; the provider picks
-- ReadRangeRows1Key when (int)BeginHash < (int)EndHash, else ReadRangeRows2Key.
-- Rows read: GrainId, ReminderName, StartTime, Period, Version.

-- Sent: ServiceId, GrainId.
('ReadReminderRowsKey', $q$
    SELECT grainid AS GrainId, remindername AS ReminderName, starttime AS StartTime,
           period AS Period, version AS Version
      FROM orleansreminderstable
     WHERE serviceid = @ServiceId
       AND grainid = @GrainId;
$q$),

-- Sent: ServiceId, BeginHash, EndHash.
('ReadRangeRows1Key', $q$
    SELECT grainid AS GrainId, remindername AS ReminderName, starttime AS StartTime,
           period AS Period, version AS Version
      FROM orleansreminderstable
     WHERE serviceid = @ServiceId
       AND grainhash > @BeginHash
       AND grainhash <= @EndHash;
$q$),

-- Sent: ServiceId, BeginHash, EndHash (wrapping range).
('ReadRangeRows2Key', $q$
    SELECT grainid AS GrainId, remindername AS ReminderName, starttime AS StartTime,
           period AS Period, version AS Version
      FROM orleansreminderstable
     WHERE serviceid = @ServiceId
       AND (grainhash > @BeginHash OR grainhash <= @EndHash);
$q$),

-- Sent: ServiceId, GrainId, ReminderName.
('ReadReminderRowKey', $q$
    SELECT grainid AS GrainId, remindername AS ReminderName, starttime AS StartTime,
           period AS Period, version AS Version
      FROM orleansreminderstable
     WHERE serviceid = @ServiceId
       AND grainid = @GrainId
       AND remindername = @ReminderName;
$q$),

-- Sent: ServiceId, GrainHash, GrainId, ReminderName, StartTime, Period (int4 or int8
-- milliseconds). Reads Version (the new etag).
('UpsertReminderRowKey', $q$
    INSERT INTO orleansreminderstable
        (serviceid, grainid, remindername, starttime, period, grainhash, version)
    VALUES
        (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
       SET starttime = EXCLUDED.starttime,
           period = EXCLUDED.period,
           grainhash = EXCLUDED.grainhash,
           version = orleansreminderstable.version + 1
    RETURNING version AS Version;
$q$),

-- Sent: ServiceId, GrainId, ReminderName, Version (etag). Reads one boolean column.
('DeleteReminderRowKey', $q$
    WITH deleted AS (
        DELETE FROM orleansreminderstable
         WHERE serviceid = @ServiceId
           AND grainid = @GrainId
           AND remindername = @ReminderName
           AND version = @Version
        RETURNING 1
    )
    SELECT count(*) > 0 AS deleted FROM deleted;
$q$),

-- Sent: ServiceId.
('DeleteReminderRowsKey', $q$
    DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId;
$q$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
