using Npgsql;

namespace Palisade.Testing;

/// <summary>
/// The PostgreSQL server the tests use: <c>PALISADE_TEST_PG</c>, an Npgsql connection string that test.sh exports
/// after starting a throwaway cluster. A store under test gets a schema of its own (cheap to create and drop); a
/// server run through the command line, which takes a URL, gets a database of its own.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Schema and database names are made by the tests (a prefix and a GUID).")]
public static class TestPostgres
{
    public const string Variable = "PALISADE_TEST_PG";

    /// <summary>The server's connection string; without it the tests fail, loudly, rather than skip.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: the PostgreSQL tests need a server. Run ./test.sh (it starts a throwaway cluster), or set {Variable} to an Npgsql connection string of a database you may create schemas and databases in.");

    /// <summary>Creates an empty schema and returns a connection string whose search path is that schema alone.</summary>
    public static string CreateSchema(string schema)
    {
        Execute(ConnectionString, $"CREATE SCHEMA \"{schema}\"");
        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    /// <summary>Drops a schema made by <see cref="CreateSchema"/> with everything in it.</summary>
    public static void DropSchema(string schema)
    {
        NpgsqlConnection.ClearAllPools();
        Execute(ConnectionString, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
    }

    /// <summary>Creates an empty database; returns its <c>postgresql://</c> URL (as an operator writes it) and connection string.</summary>
    public static (string Url, string ConnectionString) CreateDatabase(string name)
    {
        Execute(ConnectionString, $"CREATE DATABASE \"{name}\"");
        var settings = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name };
        return ($"postgresql://{settings.Username}@{settings.Host}:{settings.Port}/{name}", settings.ConnectionString);
    }

    /// <summary>How a test server opens its store on <paramref name="connectionString"/>: its store key in the node's data folder.</summary>
    public static Func<string, Palisade.Acs.Storage.IPalisadeStore> OpenStore(string connectionString) => data =>
        Palisade.Storage.Postgres.PostgresStore.OpenAsync(new Palisade.Storage.Postgres.PostgresStoreOptions { ConnectionString = connectionString, KeyPath = Path.Combine(data, "store.key") })
            .GetAwaiter().GetResult();

    /// <summary>Drops a database made by <see cref="CreateDatabase"/>, closing what is still connected to it.</summary>
    public static void DropDatabase(string name)
    {
        NpgsqlConnection.ClearAllPools();
        Execute(ConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>
    /// Takes a database made by <see cref="CreateDatabase"/> away as a server restart does (every connection to it cut,
    /// new ones refused) or gives it back; the other databases of the cluster, which other tests use, stay up.
    /// </summary>
    public static void SetReachable(string name, bool reachable)
    {
        Execute(ConnectionString, $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {(reachable ? "true" : "false")}");
        if (!reachable)
        {
            Execute(ConnectionString, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
        }
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
