using System.Globalization;
using Npgsql;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Reads the database location operators write, <c>postgresql://user@host:5432/palisade?sslmode=require</c>, into
/// Npgsql's connection settings. The password never comes from the URL (command lines and config files are read by
/// others): it comes from <c>PALISADE_DB_PASSWORD</c>, a file named by <c>PALISADE_DB_PASSWORD_FILE</c>,
/// <c>PGPASSWORD</c>, or PostgreSQL's own <c>~/.pgpass</c>.
/// </summary>
public static class PostgresConnection
{
    private static readonly string[] Schemes = ["postgresql://", "postgres://"];

    /// <summary>True when <paramref name="location"/> names a PostgreSQL database.</summary>
    public static bool IsUrl(string? location) =>
        location is not null && Schemes.Any(s => location.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>The connection string for <paramref name="url"/>, with the password from <paramref name="environment"/>.</summary>
    /// <exception cref="ArgumentException">The URL is not one this reads, or carries a password.</exception>
    public static string FromUrl(string url, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(environment);
        if (!IsUrl(url) || !Uri.TryCreate(WithHost(url), UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"'{Redact(url)}' is not a PostgreSQL URL; expected postgresql://USER@HOST:PORT/DATABASE.");
        }

        var at = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        if (at >= 0)
        {
            throw new ArgumentException("The database URL carries a password; leave it out and set PALISADE_DB_PASSWORD or PALISADE_DB_PASSWORD_FILE (a command line and a config file are readable by others).");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(uri.Host) ? "localhost" : uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : "palisade",
            ApplicationName = "palisade",
        };
        if (uri.UserInfo.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(uri.UserInfo);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (name)
            {
                case "sslmode":
                    builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var mode)
                        ? mode : throw new ArgumentException($"sslmode={value} is not one of disable, allow, prefer, require, verify-ca, verify-full.");
                    break;
                case "sslrootcert":
                    builder.RootCertificate = value;
                    break;
                case "host":
                    // A unix socket folder (postgresql://palisade@/palisade?host=/run/postgresql).
                    builder.Host = value;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 1024
                        ? seconds : throw new ArgumentException($"connect_timeout={value} is not a number of seconds (1–1024).");
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "pool_max_conns":
                    // Most connections this node opens (the same name as pgx's URLs); without it, the store's default.
                    builder.MaxPoolSize = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var connections) && connections is >= 2 and <= 1000
                        ? connections : throw new ArgumentException($"pool_max_conns={value} is not a number of connections (2–1000).");
                    break;
                case "password":
                    throw new ArgumentException("The database URL carries a password; set PALISADE_DB_PASSWORD or PALISADE_DB_PASSWORD_FILE instead.");
                default:
                    throw new ArgumentException($"The database URL's parameter '{name}' is not supported (sslmode, sslrootcert, host, connect_timeout, application_name, pool_max_conns are).");
            }
        }

        if (Password(environment) is { } password)
        {
            builder.Password = password;
        }

        return builder.ConnectionString;
    }

    /// <summary>The URL without anything after the user (for messages): a password someone put there anyway is not repeated.</summary>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return url;
        }

        var user = url[(scheme + 3)..at];
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? url : url[..(scheme + 3)] + user[..colon] + ":***" + url[at..];
    }

    // postgresql://user@/db?host=/run/postgresql and postgresql:///db name no host (a socket folder comes as a
    // parameter); System.Uri wants one, so "localhost" stands in until the parameter replaces it.
    private static string WithHost(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var slash = url.IndexOf('/', start);
        var authority = slash < 0 ? url[start..] : url[start..slash];
        return authority.Length == 0 || authority.EndsWith('@') ? url.Insert(start + authority.Length, "localhost") : url;
    }

    private static string? Password(Func<string, string?> environment)
    {
        if (environment("PALISADE_DB_PASSWORD") is { Length: > 0 } password)
        {
            return password;
        }

        if (environment("PALISADE_DB_PASSWORD_FILE") is { Length: > 0 } file)
        {
            try
            {
                return File.ReadAllText(file).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"PALISADE_DB_PASSWORD_FILE={file} cannot be read: {e.Message}", e);
            }
        }

        return environment("PGPASSWORD") is { Length: > 0 } pg ? pg : null;
    }
}
