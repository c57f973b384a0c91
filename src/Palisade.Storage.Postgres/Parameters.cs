using Npgsql;
using NpgsqlTypes;

namespace Palisade.Storage.Postgres;

/// <summary>Typed positional parameters: a null still tells PostgreSQL its type.</summary>
internal static class Parameters
{
    public static NpgsqlParameter Text(string? value) => Typed(NpgsqlDbType.Text, value);

    public static NpgsqlParameter Long(long? value) => Typed(NpgsqlDbType.Bigint, value);

    public static NpgsqlParameter Int(int? value) => Typed(NpgsqlDbType.Integer, value);

    public static NpgsqlParameter Bool(bool? value) => Typed(NpgsqlDbType.Boolean, value);

    public static NpgsqlParameter Bytes(byte[]? value) => Typed(NpgsqlDbType.Bytea, value);

    public static NpgsqlParameter Time(DateTimeOffset? value) => Long(value?.ToUnixTimeMilliseconds());

    public static NpgsqlParameter Array<T>(NpgsqlDbType element, T[] values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | element, Value = values };

    /// <summary>Adds <paramref name="parameters"/> to <paramref name="command"/> as $1, $2, … in order.</summary>
    public static NpgsqlCommand With(this NpgsqlCommand command, params NpgsqlParameter[] parameters)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>Adds <paramref name="parameters"/> to <paramref name="command"/> as $1, $2, … in order.</summary>
    public static NpgsqlBatchCommand With(this NpgsqlBatchCommand command, params NpgsqlParameter[] parameters)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Typed(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };
}
