using System.Text.Json.Nodes;

namespace Palisade.Acs.Tasks;

/// <summary>A task to queue, as a client sends it.</summary>
/// <param name="Body">The task object, e.g. <c>{"name":"reboot"}</c>.</param>
/// <param name="ExpiresInSeconds">Seconds until it expires (1–7,776,000), or null for the default.</param>
/// <param name="ConnectionRequest">Ask the device to open a session now (needs the connection-request permission).</param>
/// <param name="TimeoutSeconds">Wait up to this long (0–300) for the outcome.</param>
public sealed record TaskRequest(JsonNode? Body, int? ExpiresInSeconds = null, bool ConnectionRequest = false, int TimeoutSeconds = 0);
