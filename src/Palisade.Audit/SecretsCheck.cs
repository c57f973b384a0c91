using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Palisade.Audit;

/// <summary>
/// Whether a viewer's key reads secrets: passwords and passphrases in tasks, devices or the audit log, or credentials
/// inside URLs (issue 24, medium 10). The evidence names where a secret was seen, never the secret.
/// </summary>
internal static partial class SecretsCheck
{
    private const int MaxDevices = 25;

    public static async Task RunAsync(HttpProbe http, AuditOptions options, List<Finding> findings, CancellationToken cancellationToken)
    {
        if (options.ViewerKey is not { } key)
        {
            return;
        }

        var api = options.EffectiveApiUrl;
        var seen = new List<string>();
        var list = await GetAsync(http, new Uri(api, $"/api/v1/devices?limit={MaxDevices}"), key, cancellationToken).ConfigureAwait(false);
        if (list is null)
        {
            findings.Add(new("secrets-not-checked", Severity.Info, "Secrets in responses not checked", "the viewer key could not list devices", "Give a viewer key of this server with --viewer-key."));
            return;
        }

        Scan(list, "GET /devices", seen);
        foreach (var id in (list["devices"] as JsonArray ?? []).Select(d => d?["id"]?.GetValue<string>()).OfType<string>().Take(MaxDevices))
        {
            var path = "/api/v1/devices/" + Uri.EscapeDataString(id);
            Scan(await GetAsync(http, new Uri(api, path), key, cancellationToken).ConfigureAwait(false), "GET /devices/" + id, seen);
            Scan(await GetAsync(http, new Uri(api, path + "/tasks"), key, cancellationToken).ConfigureAwait(false), $"GET /devices/{id}/tasks", seen);
        }

        Scan(await GetAsync(http, new Uri(api, "/api/v1/audit?limit=200"), key, cancellationToken).ConfigureAwait(false), "GET /audit", seen);
        if (seen.Count > 0)
        {
            findings.Add(new("secrets-to-viewers", Severity.Medium, "A viewer reads secrets",
                $"{seen.Count} secret value(s) readable with the viewer key, e.g. {string.Join("; ", seen.Take(3))}",
                "Redact passwords, passphrases, keys and URL credentials for every reader who is not the task's author, and in the audit log always."));
        }
    }

    /// <summary>Adds a description of each secret in <paramref name="node"/> to <paramref name="seen"/>.</summary>
    internal static void Scan(JsonNode? node, string where, List<string> seen)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    if (SecretName(name) && value is JsonValue v && v.TryGetValue<string>(out var text) && Revealing(text))
                    {
                        seen.Add($"{name} in {where}");
                    }
                    else
                    {
                        Scan(value, where, seen);
                    }
                }

                break;
            case JsonArray a:
                // A parameter as [name, value, type]: the name says whether the value is a secret.
                if (a.Count >= 2 && a[0] is JsonValue n && n.TryGetValue<string>(out var parameter) && SecretName(parameter)
                    && a[1] is JsonValue pv && pv.TryGetValue<string>(out var secret) && Revealing(secret))
                {
                    seen.Add($"{parameter} in {where}");
                    break;
                }

                foreach (var item in a)
                {
                    Scan(item, where, seen);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var s) && UrlCredentials().IsMatch(s):
                seen.Add($"credentials inside a URL in {where}");
                break;
        }
    }

    private static bool SecretName(string name) => SecretPattern().IsMatch(name);

    private static bool Revealing(string value) =>
        value.Length > 0 && !value.All(c => c is '*' or '•' or 'x' or 'X') && !value.Contains("redacted", StringComparison.OrdinalIgnoreCase);

    private static async Task<JsonNode?> GetAsync(HttpProbe http, Uri url, string key, CancellationToken cancellationToken)
    {
        var reply = await http.SendJsonAsync(HttpMethod.Get, url, null, key, cancellationToken).ConfigureAwait(false);
        if (reply.Status != 200)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(reply.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(Password|Passphrase|PreSharedKey|WEPKey|Secret|KeyPassphrase)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlCredentials();
}
