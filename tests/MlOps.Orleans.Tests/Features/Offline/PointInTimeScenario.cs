using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Offline;
using static MlOps.Orleans.Tests.Features.Offline.Specs;
using VT = MlOps.Orleans.Contracts.Features.FeatureValueType;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>
/// Seeded random data for three views, with the hard cases forced on purpose around many entity rows: rows exactly at the
/// ttl edge and 1 us outside it, event-time ties with different created times, full ties (split across files or not),
/// rows created after the entity time, duplicate entity rows, keys with no features, null keys and null times.
/// <list type="bullet">
/// <item><c>driver_hourly</c>: driver; ttl 2 h; created timestamp (sometimes null); two Parquet artifacts.</item>
/// <item><c>pair_daily</c>: driver and rider (composite key); ttl 1 day; created timestamp; two CSV artifacts.</item>
/// <item><c>driver_profile</c>: a SQL view over a local Parquet file; no ttl, no created timestamp.</item>
/// </list>
/// </summary>
public sealed class PointInTimeScenario
{
    private static readonly DateTime Base = T("2024-03-01T00:00:00Z");
    private static readonly TimeSpan HourlyTtl = TimeSpan.FromHours(2);
    private static readonly TimeSpan PairTtl = TimeSpan.FromDays(1);
    private const int Drivers = 60;
    private const int DriversWithFeatures = 50;
    private static readonly string[] Riders = ["r0", "r1", "r2", "r3", "r4"];

    private readonly Random _random;
    private readonly List<(long? Driver, string? Rider, DateTime? At)> _entityRows = [];
    private readonly List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)> _hourly = [];
    private readonly List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)> _pair = [];
    private readonly List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)> _profile = [];

    private List<List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)>>? _hourlyFiles;
    private List<List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)>>? _pairFiles;

    public PointInTimeScenario(int seed, int entityRows)
    {
        _random = new Random(seed);
        Background();
        for (var i = 0; i < entityRows; i++) AddEntityRow();
        AddDuplicates(entityRows / 12);
    }

    public static readonly EntitySpec Driver = Entity("driver", F("driver_id", VT.Int64));
    public static readonly EntitySpec Rider = Entity("rider", F("rider_id", VT.String));

    public static readonly FeatureViewSpec HourlyView = View("driver_hourly", ["driver"],
        [F("conv_rate", VT.Float64), F("trips", VT.Int64), F("city", VT.String)], "hourly_src", HourlyTtl);

    public static readonly FeatureViewSpec PairView = View("pair_daily", ["driver", "rider"],
        [F("score", VT.Float32), F("flag", VT.Bool)], "pair_src", PairTtl);

    public static readonly FeatureViewSpec ProfileView = SqlView("driver_profile", ["driver"],
        [F("level", VT.Int32), F("signup", VT.Timestamp)], ["profiles"],
        "SELECT driver_id, ts AS event_ts, level, signup FROM profiles WHERE level IS NULL OR level >= 0", null);

    public int EntityRowCount => _entityRows.Count;

    public int DuplicateRows { get; private set; }

    public FeatureFrame EntityFrame() => new([
        new FrameColumn("driver_id", VT.Int64, _entityRows.Select(r => (object?)r.Driver).ToList()),
        new FrameColumn("rider_id", VT.String, _entityRows.Select(r => (object?)r.Rider).ToList()),
        new FrameColumn("event_timestamp", VT.Timestamp, _entityRows.Select(r => (object?)r.At).ToList()),
        new FrameColumn("row_tag", VT.Int32, _entityRows.Select((_, i) => (object?)i).ToList()),
    ]);

    /// <summary>Writes every source and returns the job and the reference's views (rows with their file and row numbers).</summary>
    public async Task<(RetrievalJob Job, ReferenceView[] Views)> WriteAsync(OfflineTestHost host, bool filterByCreated)
    {
        // Split once: writing the same scenario twice (two backends) must give the same files.
        var hourly = _hourlyFiles ??= Split(_hourly, 2);
        for (var f = 0; f < hourly.Count; f++)
            await host.WriteParquetArtifactAsync($"data/driver_hourly/part-{f}.parquet", Frame(hourly[f], ("driver_id", VT.Int64), HourlyView, created: true));
        var pair = _pairFiles ??= Split(_pair, 2);
        for (var f = 0; f < pair.Count; f++)
            await host.WriteCsvArtifactAsync($"data/pair_daily/part-{f}.csv", OfflineTestHost.Csv(Frame(pair[f], ("driver_id", VT.Int64), PairView, created: true, rider: true)));
        await OfflineTestHost.WriteParquetFileAsync(Path.Join(host.SourceRoot, "profiles", "profiles.parquet"), ProfileFrame(_profile));

        var sources = new[]
        {
            Source("hourly_src", "artifacts:data/driver_hourly/*.parquet", created: "created_ts"),
            Source("pair_src", "artifacts:data/pair_daily/*.csv", created: "created_ts", format: SourceFormat.Csv),
            Source("profiles", $"file:{host.SourceRoot}/profiles/*.parquet", ts: "ts"),
        };
        var job = Job(EntityInput.FromFrame(EntityFrame()),
            [SelectFull(HourlyView, "conv_rate", "trips", "city"), SelectFull(PairView, "score", "flag"), SelectFull(ProfileView, "level", "signup")],
            sources, [Driver, Rider], filterByCreated);
        var views = new[]
        {
            new ReferenceView("driver_hourly", ["driver_id"], HourlyTtl, true, false, Numbered(hourly, csv: false)),
            new ReferenceView("pair_daily", ["driver_id", "rider_id"], PairTtl, true, false, Numbered(pair, csv: true)),
            new ReferenceView("driver_profile", ["driver_id"], null, false, true, Numbered([_profile], csv: false)),
        };
        return (job, views);
    }

    /// <summary>Expected rows: the entity columns, then each view's features as the reference finds them.</summary>
    public List<object?[]> Expected(ReferenceView[] views, PointInTimeReference reference)
    {
        var rows = new List<object?[]>();
        for (var i = 0; i < _entityRows.Count; i++)
        {
            var (driver, rider, at) = _entityRows[i];
            var row = new List<object?> { driver, rider, at, i };
            foreach (var view in views)
            {
                var keys = view.KeyColumns.Length == 2 ? new object?[] { driver, rider } : [driver];
                var match = reference.Lookup(view, keys, at);
                row.AddRange(match?.Values ?? new object?[view.Rows[0].Values.Length]);
            }
            if (driver is null || (rider is null)) reference.Count("entity rows with a null key");
            if (at is null) reference.Count("entity rows with a null time");
            rows.Add([.. row]);
        }
        reference.Counters["duplicate entity rows"] = DuplicateRows;
        return rows;
    }

    private void Background()
    {
        for (long d = 1; d <= DriversWithFeatures; d++)
        {
            for (var i = 0; i < 30; i++) AddHourly(d, RandomTime(-1, 5), created: null);
            foreach (var r in Riders)
            {
                for (var i = 0; i < 6; i++) AddPair(d, r, RandomTime(-1, 5), created: null);
            }
            for (var i = 0; i < 3; i++) AddProfile(d, RandomTime(-30, 5));
        }
    }

    private void AddEntityRow()
    {
        var driver = (long)_random.Next(1, Drivers + 1);
        var rider = Riders[_random.Next(Riders.Length)];
        var at = RandomTime(0, 5);
        var roll = _random.NextDouble();
        _entityRows.Add((roll < 0.03 ? null : driver, roll is >= 0.03 and < 0.05 ? null : rider, roll is >= 0.05 and < 0.06 ? null : at));
        if (driver > DriversWithFeatures || _random.NextDouble() < 0.4) return;
        // Force one hard case per view around this row (the reference decides whether it is what the join finds).
        var us = TimeSpan.FromTicks(10);
        switch (_random.Next(5))
        {
            case 0:
                AddHourly(driver, at - HourlyTtl, at - HourlyTtl + TimeSpan.FromSeconds(1));
                break;
            case 1:
                AddHourly(driver, at - HourlyTtl - us, at - HourlyTtl);
                break;
            case 2:
                var tie = at - TimeSpan.FromMinutes(10);
                AddHourly(driver, tie, tie + TimeSpan.FromMinutes(1));
                AddHourly(driver, tie, tie + TimeSpan.FromMinutes(2));
                break;
            case 3:
                var full = at - TimeSpan.FromMinutes(5);
                AddHourly(driver, full, full);
                AddHourly(driver, full, full);
                break;
            default:
                AddHourly(driver, at - TimeSpan.FromMinutes(30), at - TimeSpan.FromMinutes(29));
                AddHourly(driver, at - TimeSpan.FromMinutes(1), at + TimeSpan.FromMinutes(10));
                break;
        }
        switch (_random.Next(4))
        {
            case 0:
                AddPair(driver, rider, at - PairTtl, at - PairTtl);
                break;
            case 1:
                AddPair(driver, rider, at - PairTtl - us, at - PairTtl);
                break;
            case 2:
                var full = at - TimeSpan.FromHours(1);
                AddPair(driver, rider, full, full);
                AddPair(driver, rider, full, full);
                break;
            default:
                AddPair(driver, rider, at - TimeSpan.FromHours(3), at - TimeSpan.FromHours(2));
                AddPair(driver, rider, at - TimeSpan.FromMinutes(1), at + TimeSpan.FromHours(1));
                break;
        }
        if (_random.Next(3) == 0)
        {
            var tie = at - TimeSpan.FromDays(_random.Next(0, 10)) - TimeSpan.FromMinutes(3);
            AddProfile(driver, tie);
            AddProfile(driver, tie);
        }
    }

    private void AddDuplicates(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var source = _random.Next(_entityRows.Count);
            _entityRows.Insert(_random.Next(source, _entityRows.Count + 1), _entityRows[source]);
            DuplicateRows++;
        }
    }

    private void AddHourly(long driver, DateTime at, DateTime? created)
    {
        created ??= _random.NextDouble() < 0.05 ? null : at + TimeSpan.FromSeconds(_random.Next(0, 1800));
        _hourly.Add(([driver], at, created, [Maybe(Math.Round(_random.NextDouble(), 6)), Maybe((long)_random.Next(0, 500)), Maybe($"city{_random.Next(20)}")]));
    }

    private void AddPair(long driver, string rider, DateTime at, DateTime? created)
    {
        created ??= at + TimeSpan.FromSeconds(_random.Next(0, 7200));
        // Eighths are exact in float32 and in the CSV text, so the value read back is the value generated.
        _pair.Add(([driver, rider], at, created, [Maybe(_random.Next(0, 8000) / 8f), Maybe(_random.Next(2) == 1)]));
    }

    private void AddProfile(long driver, DateTime at) =>
        _profile.Add(([driver], at, null, [Maybe(_random.Next(0, 4)), Maybe(RandomTime(-400, -30))]));

    private object? Maybe(object value) => _random.NextDouble() < 0.08 ? null : value;

    /// <summary>A random time, whole microseconds, between <paramref name="fromDays"/> and <paramref name="toDays"/> from the base.</summary>
    private DateTime RandomTime(int fromDays, int toDays)
    {
        var span = (long)(toDays - fromDays) * 86_400_000_000L;
        return Base.AddDays(fromDays) + TimeSpan.FromTicks(_random.NextInt64(span) * 10);
    }

    private List<List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)>> Split(
        List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)> rows, int files)
    {
        var shuffled = rows.OrderBy(_ => _random.Next()).ToList();
        var parts = Enumerable.Range(0, files).Select(_ => new List<(object?[], DateTime, DateTime?, object?[])>()).ToList();
        foreach (var row in shuffled) parts[_random.Next(files)].Add(row);
        return parts;
    }

    private static List<ReferenceRow> Numbered(List<List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)>> files, bool csv)
    {
        var rows = new List<ReferenceRow>();
        long running = 0;
        for (var f = 0; f < files.Count; f++)
        {
            for (var r = 0; r < files[f].Count; r++)
            {
                var (keys, at, created, values) = files[f][r];
                // A CSV view numbers rows through all files in order, which orders them exactly like (file, row).
                rows.Add(csv ? new ReferenceRow(keys, at, created, 0, running++, values) : new ReferenceRow(keys, at, created, f, r, values));
            }
        }
        return rows;
    }

    private static FeatureFrame Frame(List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)> rows,
        (string, VT) key, FeatureViewSpec view, bool created, bool rider = false)
    {
        var columns = new List<FrameColumn> { new(key.Item1, key.Item2, rows.Select(r => r.Keys[0]).ToList()) };
        if (rider) columns.Add(new FrameColumn("rider_id", VT.String, rows.Select(r => r.Keys[1]).ToList()));
        columns.Add(new FrameColumn("event_ts", VT.Timestamp, rows.Select(r => (object?)r.Event).ToList()));
        if (created) columns.Add(new FrameColumn("created_ts", VT.Timestamp, rows.Select(r => (object?)r.Created).ToList()));
        columns.AddRange(view.Schema.Select((f, i) => new FrameColumn(f.Name, f.Type, rows.Select(r => r.Values[i]).ToList())));
        return new FeatureFrame(columns);
    }

    private static FeatureFrame ProfileFrame(List<(object?[] Keys, DateTime Event, DateTime? Created, object?[] Values)> rows) => new([
        new FrameColumn("driver_id", VT.Int64, rows.Select(r => r.Keys[0]).ToList()),
        new FrameColumn("ts", VT.Timestamp, rows.Select(r => (object?)r.Event).ToList()),
        new FrameColumn("level", VT.Int32, rows.Select(r => r.Values[0]).ToList()),
        new FrameColumn("signup", VT.Timestamp, rows.Select(r => r.Values[1]).ToList()),
    ]);
}
