using Npgsql;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>How the database URL operators write becomes connection settings, and where the password may come from.</summary>
public sealed class PostgresConnectionTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void A_url_names_the_user_host_port_database_and_tls_mode()
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresConnection.FromUrl("postgresql://acs@db.example.net:5433/palisade?sslmode=verify-full", NoEnvironment));

        Assert.Equal(("acs", "db.example.net", 5433, "palisade", SslMode.VerifyFull), (settings.Username, settings.Host, settings.Port, settings.Database, settings.SslMode));
        Assert.Null(settings.Password);
    }

    [Fact]
    public void A_unix_socket_folder_can_be_named_as_host()
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresConnection.FromUrl("postgres://acs@/palisade?host=%2Frun%2Fpostgresql", NoEnvironment));

        Assert.Equal(("/run/postgresql", 5432, "palisade"), (settings.Host, settings.Port, settings.Database));
    }

    [Theory]
    [InlineData("postgresql://acs:hunter2@db/palisade")]
    [InlineData("postgresql://acs@db/palisade?password=hunter2")]
    public void A_password_in_the_url_is_refused_and_not_repeated(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresConnection.FromUrl(url, NoEnvironment));

        Assert.Contains("PALISADE_DB_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", PostgresConnection.Redact(url.Split('?')[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_comes_from_the_environment_or_a_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-file\n");
            string Password(Dictionary<string, string> env) =>
                new NpgsqlConnectionStringBuilder(PostgresConnection.FromUrl("postgresql://acs@db/palisade", n => env.GetValueOrDefault(n))).Password!;

            Assert.Equal("direct", Password(new() { ["PALISADE_DB_PASSWORD"] = "direct", ["PALISADE_DB_PASSWORD_FILE"] = file }));
            Assert.Equal("from-file", Password(new() { ["PALISADE_DB_PASSWORD_FILE"] = file, ["PGPASSWORD"] = "pg" }));
            Assert.Equal("pg", Password(new() { ["PGPASSWORD"] = "pg" }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_url_may_size_the_nodes_pool_and_the_store_keeps_that_size()
    {
        var connectionString = PostgresConnection.FromUrl("postgresql://acs@db/palisade?pool_max_conns=120", NoEnvironment);

        Assert.Equal(120, new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize);
        Assert.Equal(120, PostgresDatabase.Settings(new PostgresStoreOptions { ConnectionString = connectionString }).MaxPoolSize);
        // Npgsql's own default, written out, is still the operator's choice.
        Assert.Equal(100, PostgresDatabase.Settings(new PostgresStoreOptions { ConnectionString = PostgresConnection.FromUrl("postgresql://acs@db/palisade?pool_max_conns=100", NoEnvironment) }).MaxPoolSize);
        // Without it, the store's default for this machine.
        Assert.Equal(
            PostgresStoreOptions.DefaultMaxConnections(Environment.ProcessorCount),
            PostgresDatabase.Settings(new PostgresStoreOptions { ConnectionString = PostgresConnection.FromUrl("postgresql://acs@db/palisade", NoEnvironment) }).MaxPoolSize);
    }

    [Theory]
    [InlineData("mysql://acs@db/palisade")]
    [InlineData("postgresql://acs@db/palisade?pool_max_conns=1")]
    [InlineData("postgresql://acs@db/palisade?pool_max_conns=many")]
    [InlineData("postgresql://acs@db/palisade?sslmode=sometimes")]
    [InlineData("postgresql://acs@db/palisade?options=-c%20search_path%3Devil")]
    public void Anything_else_is_refused_with_what_is_expected(string url)
    {
        Assert.Throws<ArgumentException>(() => PostgresConnection.FromUrl(url, NoEnvironment));
    }
}
