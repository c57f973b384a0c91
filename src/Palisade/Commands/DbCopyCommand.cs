using System.CommandLine;
using Palisade.Copy;
using Palisade.Storage.Postgres;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary><c>palisade db copy --from DATA --to postgresql://…</c>: an embedded installation moved over, losing nothing.</summary>
internal static class DbCopyCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The data folder of the embedded (SQLite) store to copy (stop its server first).", Required = true };
        var to = new Option<string?>("--to") { Description = "postgresql://USER@HOST:PORT/DATABASE: a new, empty database. Env PALISADE_DB. The password: PALISADE_DB_PASSWORD, PALISADE_DB_PASSWORD_FILE or PGPASSWORD." };
        var command = new Command("copy", """
            Copy an embedded (SQLite) store into an empty PostgreSQL database, row for row: devices, cached parameters,
            tags, tasks with their results and faults, event history, blocked ids, users, API keys and the audit log (its
            hash chain intact). One transaction: a copy that fails leaves the database empty. The PostgreSQL store uses the
            data folder's store.key, so the sealed connection-request passwords move as they are; serve from the same
            data folder (or copy store.key and pki/ to each node) afterwards with --db.
            """) { from, to };
        command.SetAction(async (result, cancellationToken) =>
        {
            var data = result.GetValue(from)!;
            var url = result.GetValue(to) ?? Stores.FromEnvironment;
            if (url is null || !PostgresConnection.IsUrl(url))
            {
                AnsiConsole.MarkupLine("[red]palisade db copy: --to postgresql://USER@HOST:PORT/DATABASE is required (or PALISADE_DB).[/]");
                return 2;
            }

            if (!Stores.Exists(data, "sqlite"))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade db copy: {data} holds no embedded store (palisade.db).[/]");
                return 2;
            }

            try
            {
                var copy = new StoreCopy(data, Stores.PostgresOptions(data, url), line => Console.WriteLine("palisade db copy: " + line));
                return await copy.RunAsync(cancellationToken) ? 0 : 1;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or Acs.Storage.StoreException or Microsoft.Data.Sqlite.SqliteException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade db copy: {e.Message}[/]");
                return 1;
            }
        });
        return command;
    }
}
