using Npgsql;

namespace PestWorkflows.Engine.Tests.Infrastructure;

[Collection(PostgresCollection.Name)]
public class PostgresServerTests
{
    private readonly PostgresFixture _postgres;

    public PostgresServerTests(PostgresFixture postgres)
    {
        _postgres = postgres;
    }

    [Fact]
    public async Task Fresh_database_answers_select_1()
    {
        var connectionString = await _postgres.CreateDatabaseAsync();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 1", connection);
        var result = await command.ExecuteScalarAsync();

        Assert.Equal(1, Convert.ToInt32(result));
        Assert.StartsWith("t_", connection.Database);
    }

    [Fact]
    public async Task Each_call_creates_a_distinct_database()
    {
        var first = new NpgsqlConnectionStringBuilder(await _postgres.CreateDatabaseAsync());
        var second = new NpgsqlConnectionStringBuilder(await _postgres.CreateDatabaseAsync());

        Assert.NotEqual(first.Database, second.Database);
        Assert.True(first.Pooling);
        Assert.Equal(100, first.MaxPoolSize);
    }
}
