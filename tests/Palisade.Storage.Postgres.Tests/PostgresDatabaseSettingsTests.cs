namespace Palisade.Storage.Postgres.Tests;

/// <summary>The pool settings the store adds to the operator's connection string, and leaves alone when the string chooses.</summary>
public sealed class PostgresDatabaseSettingsTests
{
    private static PostgresStoreOptions Options(string connectionString) => new() { ConnectionString = connectionString, MaxConnections = 16 };

    [Fact]
    public void By_default_pooled_connections_are_not_reset_and_statements_are_prepared()
    {
        var settings = PostgresDatabase.Settings(Options("Host=127.0.0.1;Port=5432;Database=palisade;Username=palisade"));

        Assert.True(settings.NoResetOnClose);
        Assert.Equal(256, settings.MaxAutoPrepare);
        Assert.Equal(2, settings.AutoPrepareMinUsages);
        Assert.Equal(16, settings.MaxPoolSize);
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(2, 8)]
    [InlineData(3, 12)]
    [InlineData(8, 32)]
    [InlineData(64, 32)]
    public void By_default_a_node_opens_four_connections_per_processor_from_8_to_32(int processors, int connections)
    {
        Assert.Equal(connections, PostgresStoreOptions.DefaultMaxConnections(processors));
    }

    [Theory]
    [InlineData("Host=h;No Reset On Close=false")]
    [InlineData("Host=h;NoResetOnClose=false")]
    [InlineData("Host=h;no reset on close=False")]
    public void A_connection_string_that_sets_no_reset_on_close_keeps_its_choice(string connectionString)
    {
        Assert.False(PostgresDatabase.Settings(Options(connectionString)).NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=h;Maximum Pool Size=90")]
    [InlineData("Host=h;maxpoolsize=90")]
    public void A_connection_string_that_sets_its_pool_size_keeps_its_choice(string connectionString)
    {
        Assert.Equal(90, PostgresDatabase.Settings(Options(connectionString)).MaxPoolSize);
    }

    [Fact]
    public void A_connection_string_that_sets_max_auto_prepare_keeps_its_choice()
    {
        Assert.Equal(5, PostgresDatabase.Settings(Options("Host=h;Max Auto Prepare=5")).MaxAutoPrepare);
    }

    [Fact]
    public void A_connection_string_that_is_not_valid_is_refused_as_a_store_error()
    {
        var e = Assert.Throws<Palisade.Acs.Storage.StoreException>(() => PostgresDatabase.Settings(Options("Host=h;Port=notaport")));
        Assert.Contains("not valid", e.Message, StringComparison.Ordinal);
    }
}
