using Npgsql;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>
/// The PostgreSQL server the tests use: <c>PALISADE_TEST_PG</c>, an Npgsql connection string that test.sh exports
/// after starting a throwaway cluster. Each store under test gets a schema of its own in that database (cheap to
/// create and drop, unlike a database), named in the connection's search path.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Schema names are made by the tests (t_ and a GUID).")]
internal static class TestDatabase
{
    public const string Variable = "PALISADE_TEST_PG";

    /// <summary>The server's connection string; without it the tests fail, loudly, rather than skip.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: the PostgreSQL store's tests need a server. Run ./test.sh (it starts a throwaway cluster), or set {Variable} to an Npgsql connection string of a database you may create schemas in.");

    /// <summary>Creates an empty schema and returns a connection string whose search path is that schema alone.</summary>
    public static string CreateSchema(string schema)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE SCHEMA \"{schema}\"", connection);
        command.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    /// <summary>Drops a schema made by <see cref="CreateSchema"/> with everything in it.</summary>
    public static void DropSchema(string schema)
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        command.ExecuteNonQuery();
    }
}
