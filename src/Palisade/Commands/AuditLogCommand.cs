using System.CommandLine;
using Palisade.Acs.Access;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary><c>palisade audit-log verify</c>: walks the hash chain of the audit log.</summary>
internal static class AuditLogCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The data folder of the server (default ./palisade-data).", DefaultValueFactory = _ => "palisade-data" };
        var expect = new Option<string?>("--expect") { Description = "A checkpoint SEQ:HASH printed by an earlier verify and kept outside the server: also check that the log still holds that entry, unchanged (the chain alone cannot show its newest entries cut off)." };
        var verify = new Command("verify", "Check that no audit entry was edited or deleted. Exit status 1 when the chain is broken.") { data, expect };
        verify.SetAction(async (result, cancellationToken) =>
        {
            AuditCheckpoint? checkpoint = null;
            if (result.GetValue(expect) is { } text && !AuditCheckpoint.TryParse(text, out checkpoint))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade audit-log verify: --expect takes SEQ:HASH as printed by verify (a sequence number, a colon, 64 hex digits), not '{text}'.[/]");
                return 2;
            }

            await using var store = Stores.Open(result.GetValue(data)!);
            var v = await store.VerifyAuditAsync(cancellationToken, checkpoint);
            if (v.Intact)
            {
                AnsiConsole.MarkupLineInterpolated($"[green]audit log intact: {v.Entries} entries, each linked to the one before{(checkpoint is null ? "" : $", entry {checkpoint.Seq} as recorded")}.[/]");
                if (v.Head is { } head)
                {
                    // Plain, for scripts to keep; Spectre would wrap the hash.
                    Console.WriteLine($"checkpoint: {head}");
                    AnsiConsole.MarkupLine("[grey]Keep the checkpoint outside this server and pass it as --expect next time: the chain alone cannot show its newest entries cut off.[/]");
                }

                return 0;
            }

            AnsiConsole.MarkupLineInterpolated($"[red]audit log BROKEN at entry {v.FirstBadSeq}: {v.Problem}.[/]");
            return 1;
        });
        return new Command("audit-log", "The tamper-evident audit log.") { verify };
    }
}
