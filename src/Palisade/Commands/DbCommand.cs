using System.CommandLine;
using Palisade.Storage.Postgres;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary><c>palisade db</c>: the PostgreSQL store's schema (<c>migrate</c>) and moving an embedded store over (<c>copy</c>).</summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var command = new Command("db", "The PostgreSQL store: apply its migrations, or copy an embedded (SQLite) store into it.");
        command.Subcommands.Add(Migrate());
        command.Subcommands.Add(DbCopyCommand.Create());
        return command;
    }

    private static Command Migrate()
    {
        var db = new Option<string?>("--db") { Description = "postgresql://USER@HOST:PORT/DATABASE. Env PALISADE_DB. The password: PALISADE_DB_PASSWORD, PALISADE_DB_PASSWORD_FILE or PGPASSWORD." };
        var command = new Command("migrate", """
            Apply the PostgreSQL store's migrations that the database lacks, and nothing else. `palisade serve --db` applies
            them at start too; run this first where the operator wants the schema change apart from the rollout.
            Nodes starting together take turns: each migration runs once.
            """) { db };
        command.SetAction(async (result, cancellationToken) =>
        {
            var url = result.GetValue(db) ?? Stores.FromEnvironment;
            if (url is null || !PostgresConnection.IsUrl(url))
            {
                AnsiConsole.MarkupLine("[red]palisade db migrate: --db postgresql://USER@HOST:PORT/DATABASE is required (or PALISADE_DB).[/]");
                return 2;
            }

            try
            {
                var applied = await PostgresStore.MigrateAsync(PostgresConnection.FromUrl(url, Environment.GetEnvironmentVariable), cancellationToken, line => Console.WriteLine("palisade db migrate: " + line));
                Console.WriteLine(applied.Count == 0
                    ? $"palisade db migrate: up to date (schema {PostgresStore.LatestSchemaVersion})"
                    : $"palisade db migrate: applied {string.Join(", ", applied)} (schema {PostgresStore.LatestSchemaVersion})");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or Acs.Storage.StoreException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade db migrate: {e.Message}[/]");
                return 1;
            }
        });
        return command;
    }
}
