using System.Text.Json;

namespace Palisade.Acs.Tasks;

/// <summary>
/// The <c>"state"</c> a transfer's or a software-module change's task result carries: <see cref="Pending"/> while the
/// CPE said it completes later (TR-069 A.3.2.8), until its TransferComplete or DUStateChangeComplete closes it as
/// <see cref="Completed"/>. One reading of it for every step and handler that asks.
/// </summary>
public static class TaskResultState
{
    /// <summary>Answered with status 1: done, awaiting its completion message.</summary>
    public const string Pending = "pending";

    /// <summary>Closed by its completion message without a fault.</summary>
    public const string Completed = "completed";

    /// <summary>Whether the task result <paramref name="result"/> is a JSON object whose <c>state</c> is <paramref name="state"/>.</summary>
    public static bool Is(string? result, string state)
    {
        if (result is null)
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(result);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("state", out var value)
                && value.ValueKind == JsonValueKind.String && value.ValueEquals(state);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
