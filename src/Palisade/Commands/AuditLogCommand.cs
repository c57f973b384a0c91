using System.CommandLine;
using Palisade.Storage.Sqlite;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary><c>palisade audit-log verify</c>: walks the hash chain of the audit log.</summary>
internal static class AuditLogCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The data folder of the server (default ./palisade-data).", DefaultValueFactory = _ => "palisade-data" };
        var verify = new Command("verify", "Check that no audit entry was edited or deleted. Exit status 1 when the chain is broken.") { data };
        verify.SetAction(async (result, cancellationToken) =>
        {
            await using var store = SqliteDeviceStore.Open(new SqliteStoreOptions { DataDirectory = result.GetValue(data)! });
            var v = await store.VerifyAuditAsync(cancellationToken);
            if (v.Intact)
            {
                AnsiConsole.MarkupLineInterpolated($"[green]audit log intact: {v.Entries} entries, each linked to the one before.[/]");
                return 0;
            }

            AnsiConsole.MarkupLineInterpolated($"[red]audit log BROKEN at entry {v.FirstBadSeq}: {v.Problem}.[/]");
            return 1;
        });
        return new Command("audit-log", "The tamper-evident audit log.") { verify };
    }
}
