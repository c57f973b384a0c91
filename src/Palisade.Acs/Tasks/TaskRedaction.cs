using System.Text;
using System.Text.Json.Nodes;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Tasks;

/// <summary>
/// Keeps a task's secrets to the engine: what the API, the console and the audit log show of a task has the values of
/// secret parameters (passwords, Wi-Fi passphrases and keys) and the credentials inside URLs (user info, and query
/// values named like a credential) replaced. The stored task keeps them: the CPE needs them.
/// </summary>
public static class TaskRedaction
{
    /// <summary>What stands in for a secret.</summary>
    public const string Mark = "(redacted)";

    // Beyond SecretParameters: vendor names for Wi-Fi keys and PINs that do not end like a TR-181 secret.
    private static readonly string[] ExtraSuffixes = ["Key", "PSK", "Passwd", "Pwd", "PIN", "Pin"];
    private static readonly string[] CredentialQueryNames = ["pass", "pwd", "secret", "token", "sig", "key", "auth", "cred", "session"];

    /// <summary>The task as a reader sees it.</summary>
    public static DeviceTask Redact(DeviceTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task with { Payload = Redact(task.Payload)!, Result = Redact(task.Result) };
    }

    /// <summary>A task payload or result (JSON) with its secrets replaced; null stays null.</summary>
    public static string? Redact(string? json)
    {
        if (json is null || JsonNode.Parse(json) is not JsonObject node)
        {
            return json;
        }

        return Redact(node).ToJsonString();
    }

    /// <summary>Replaces the secrets in a task's JSON form in place and returns it.</summary>
    public static JsonObject Redact(JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node["parameterValues"] is JsonArray values)
        {
            foreach (var v in values.OfType<JsonArray>())
            {
                if (v.Count > 1 && v[0] is JsonValue name && name.TryGetValue<string>(out var text) && IsSecret(text))
                {
                    v[1] = Mark;
                }
            }
        }

        // Fields of the task itself that carry a credential (a rotateCredentials password, say).
        foreach (var (field, value) in node.ToList())
        {
            if (value is JsonValue && (field.Contains("password", StringComparison.OrdinalIgnoreCase) || field.Contains("passphrase", StringComparison.OrdinalIgnoreCase)
                || field.Contains("secret", StringComparison.OrdinalIgnoreCase)))
            {
                node[field] = Mark;
            }
        }

        foreach (var field in new[] { "url", "Url" })
        {
            if (node[field] is JsonValue url && url.TryGetValue<string>(out var text))
            {
                node[field] = RedactUrl(text);
            }
        }

        return node;
    }

    /// <summary>True for a parameter whose value is a secret.</summary>
    public static bool IsSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SecretParameters.IsSecret(name) || ExtraSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));
    }

    /// <summary>A URL without its user info and with credential-like query values replaced.</summary>
    public static string RedactUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            // Not a URL we can take apart: anything that looks like user info goes.
            var at = url.IndexOf('@', StringComparison.Ordinal);
            return at < 0 ? url : Mark + url[(at + 1)..];
        }

        var query = uri.Query.Length > 1 ? uri.Query[1..].Split('&') : [];
        if (uri.UserInfo.Length == 0 && !query.Any(IsCredential))
        {
            return url;
        }

        var builder = new StringBuilder();
        builder.Append(uri.Scheme).Append("://");
        if (uri.UserInfo.Length > 0)
        {
            builder.Append(Mark).Append('@');
        }

        builder.Append(uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(uri.AbsolutePath);
        if (query.Length > 0)
        {
            builder.Append('?').Append(string.Join('&', query.Select(pair => IsCredential(pair) ? pair[..pair.IndexOf('=', StringComparison.Ordinal)] + "=" + Mark : pair)));
        }

        return builder.ToString();
    }

    private static bool IsCredential(string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 && CredentialQueryNames.Any(n => pair.AsSpan(0, eq).Contains(n, StringComparison.OrdinalIgnoreCase));
    }
}
