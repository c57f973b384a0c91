using System.Text.Json;

namespace Palisade.Acs.Tasks;

/// <summary>
/// <c>restore</c>: a configuration backup sent back through Download (<c>3 Vendor Configuration File</c>, the file
/// server's stored-file path). <paramref name="Backup"/> names one (<c>backup@…</c>, <c>GET /devices/{id}/backups</c>);
/// otherwise the newest backup of <paramref name="From"/> (a device id, the swap of an old device for a new one), or of
/// the task's own device. It is resolved when queued (Files/StoredDownloads.RestoreAsync): the queue holds the download
/// of the chosen backup, so a backup taken later does not change what the task sends.
/// </summary>
/// <param name="Backup">The stored backup's name, or null.</param>
/// <param name="From">The device whose newest backup is restored, or null for the task's device.</param>
public sealed record RestoreTask(string? Backup, string? From) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "restore";

    /// <inheritdoc />
    internal override void WriteFields(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Backup is not null)
        {
            writer.WriteString("backup", Backup);
        }

        if (From is not null)
        {
            writer.WriteString("from", From);
        }
    }

    /// <summary>Reads <c>{"name":"restore","backup":…}</c> or <c>{"name":"restore","from":…}</c> (or neither).</summary>
    internal static RestoreTask Parse(JsonElement task)
    {
        string? Text(string property) => task.TryGetProperty(property, out var v)
            ? v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 255 } s ? s : throw new TaskValidationException($"{property} must be a non-empty string of at most 255 characters.")
            : null;
        var backup = Text("backup");
        var from = Text("from");
        if (backup is not null && from is not null)
        {
            throw new TaskValidationException("A restore names a backup or the device whose newest backup to send (from), not both.");
        }

        if (from is not null && !Devices.DeviceId.TryParse(from, out _))
        {
            throw new TaskValidationException("from must be a device id (OUI-ProductClass-SerialNumber).");
        }

        return new RestoreTask(backup, from);
    }
}
