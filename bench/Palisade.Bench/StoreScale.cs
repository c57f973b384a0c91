using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Storage.Sqlite;
using Spectre.Console;

namespace Palisade.Bench;

/// <summary>
/// Fills the embedded store with N registered devices of P cached parameters each (through the same session
/// commit the ACS uses), then reports the store's size per device and per parameter and how long it took.
/// </summary>
internal static class StoreScale
{
    public static async Task<int> RunAsync(int devices, int parameters, string? keep, CancellationToken cancellationToken)
    {
        var data = keep ?? Directory.CreateTempSubdirectory("palisade-scale-").FullName;
        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var paths = Enumerable.Range(0, parameters).Select(i => $"Device.Scale.Object{i / 20}.Parameter{i % 20}").ToArray();
        await using (var store = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = data }))
        {
            for (var n = 0; n < devices; n++)
            {
                var device = new Device
                {
                    Id = new DeviceId("00D09E", "SCALE", "S" + n.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)),
                    RegisteredAt = now,
                    LastInformAt = now,
                    LastEvents = "2 PERIODIC",
                    Transport = "https",
                    AuthMethod = AuthMethods.DigestSha256,
                    SoftwareVersion = "1.0.0",
                    PeriodicInformInterval = 3600,
                };
                var changes = new SessionChanges(device);
                for (var i = 0; i < parameters; i++)
                {
                    changes.Parameters.Add(new CachedParameter(paths[i], (n * 31 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), i % 3 == 0 ? "unsignedInt" : "string", i % 2 == 0, null, null, now));
                }

                await store.CommitSessionAsync(changes, cancellationToken).ConfigureAwait(false);
                if ((n + 1) % 10_000 == 0)
                {
                    AnsiConsole.MarkupLineInterpolated($"{n + 1} devices, {clock.Elapsed.TotalSeconds:0} s");
                }
            }
        }

        SqliteConnection.ClearAllPools();
        var bytes = new[] { "palisade.db", "palisade.db-wal" }.Select(f => Path.Combine(data, f)).Where(File.Exists).Sum(f => new FileInfo(f).Length);
        var total = (long)devices * parameters;
        var table = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("devices × parameters", $"{devices:N0} × {parameters}");
        table.AddRow("store size", $"{bytes / 1048576.0:0.0} MiB");
        table.AddRow("bytes per device", $"{(double)bytes / devices:0}");
        table.AddRow("bytes per cached parameter", $"{(double)bytes / total:0.0}");
        table.AddRow("commits per second", $"{devices / clock.Elapsed.TotalSeconds:0}");
        AnsiConsole.Write(table);
        if (keep is null)
        {
            Directory.Delete(data, recursive: true);
        }

        return 0;
    }
}
