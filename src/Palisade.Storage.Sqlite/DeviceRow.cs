using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Security.Secrets;

namespace Palisade.Storage.Sqlite;

/// <summary>Maps <see cref="Device"/> to and from a row of the devices table.</summary>
internal static class DeviceRow
{
    public const string Columns =
        "id, oui, product_class, serial_number, manufacturer, registered_at, last_inform_at, last_boot_at, last_bootstrap_at, "
        + "last_events, cwmp_version, remote_address, transport, auth_method, data_model_root, username, ha1_md5, ha1_sha256, "
        + "enrolled, certificate_thumbprint, cr_url, cr_username, cr_password, cr_udp_address, periodic_interval, acs_url, software_version, "
        + "acs_url_set_at, bootstrap_expected, previous_username, previous_ha1_md5, previous_ha1_sha256";

    public const string Upsert = """
        INSERT INTO devices (id, oui, product_class, serial_number, manufacturer, registered_at, last_inform_at, last_boot_at,
            last_bootstrap_at, last_events, cwmp_version, remote_address, transport, auth_method, data_model_root, username,
            ha1_md5, ha1_sha256, enrolled, certificate_thumbprint, cr_url, cr_username, cr_password, cr_udp_address,
            periodic_interval, acs_url, software_version, acs_url_set_at, bootstrap_expected, previous_username, previous_ha1_md5,
            previous_ha1_sha256)
        VALUES ($id, $oui, $product_class, $serial_number, $manufacturer, $registered_at, $last_inform_at, $last_boot_at,
            $last_bootstrap_at, $last_events, $cwmp_version, $remote_address, $transport, $auth_method, $data_model_root, $username,
            $ha1_md5, $ha1_sha256, $enrolled, $certificate_thumbprint, $cr_url, $cr_username, $cr_password, $cr_udp_address,
            $periodic_interval, $acs_url, $software_version, $acs_url_set_at, $bootstrap_expected, $previous_username, $previous_ha1_md5,
            $previous_ha1_sha256)
        ON CONFLICT (id) DO UPDATE SET
            manufacturer = excluded.manufacturer, last_inform_at = excluded.last_inform_at, last_boot_at = excluded.last_boot_at,
            last_bootstrap_at = excluded.last_bootstrap_at, last_events = excluded.last_events, cwmp_version = excluded.cwmp_version,
            remote_address = excluded.remote_address, transport = excluded.transport, auth_method = excluded.auth_method,
            data_model_root = excluded.data_model_root, username = excluded.username, ha1_md5 = excluded.ha1_md5,
            ha1_sha256 = excluded.ha1_sha256, enrolled = excluded.enrolled, certificate_thumbprint = excluded.certificate_thumbprint,
            cr_url = excluded.cr_url, cr_username = excluded.cr_username, cr_password = excluded.cr_password,
            cr_udp_address = excluded.cr_udp_address, periodic_interval = excluded.periodic_interval, acs_url = excluded.acs_url,
            software_version = excluded.software_version, acs_url_set_at = excluded.acs_url_set_at,
            bootstrap_expected = excluded.bootstrap_expected, previous_username = excluded.previous_username,
            previous_ha1_md5 = excluded.previous_ha1_md5, previous_ha1_sha256 = excluded.previous_ha1_sha256
        RETURNING rowid
        """;

    // A device the session found in the store: its row is updated, never inserted again (if it was deleted meanwhile,
    // no row comes back and the session is dropped). The credentials are written only when the session changed them
    // ($write_credentials): an operator's readmit between the session's start and its commit stays.
    public const string Update = """
        UPDATE devices SET
            manufacturer = $manufacturer, last_inform_at = $last_inform_at, last_boot_at = $last_boot_at,
            last_bootstrap_at = $last_bootstrap_at, last_events = $last_events, cwmp_version = $cwmp_version,
            remote_address = $remote_address, transport = $transport, auth_method = $auth_method,
            data_model_root = $data_model_root,
            username = CASE WHEN $write_credentials THEN $username ELSE username END,
            ha1_md5 = CASE WHEN $write_credentials THEN $ha1_md5 ELSE ha1_md5 END,
            ha1_sha256 = CASE WHEN $write_credentials THEN $ha1_sha256 ELSE ha1_sha256 END,
            enrolled = CASE WHEN $write_credentials THEN $enrolled ELSE enrolled END,
            certificate_thumbprint = CASE WHEN $write_credentials THEN $certificate_thumbprint ELSE certificate_thumbprint END,
            previous_username = CASE WHEN $write_credentials THEN $previous_username ELSE previous_username END,
            previous_ha1_md5 = CASE WHEN $write_credentials THEN $previous_ha1_md5 ELSE previous_ha1_md5 END,
            previous_ha1_sha256 = CASE WHEN $write_credentials THEN $previous_ha1_sha256 ELSE previous_ha1_sha256 END,
            cr_url = $cr_url, cr_username = $cr_username, cr_password = $cr_password,
            cr_udp_address = $cr_udp_address, periodic_interval = $periodic_interval, acs_url = $acs_url,
            software_version = $software_version, acs_url_set_at = $acs_url_set_at,
            bootstrap_expected = $bootstrap_expected
        WHERE id = $id
        RETURNING rowid
        """;

    public static Device Read(SqliteDataReader reader, SecretBox secrets) => Read(new ReaderRow(reader), secrets);

    public static Device Read<TRow>(TRow r, SecretBox secrets)
        where TRow : IRow
    {
        var id = new DeviceId(r.GetString(1), r.GetString(2), r.GetString(3));
        var crUrl = Text(r, 20);
        return new Device
        {
            Id = id,
            Manufacturer = r.GetString(4),
            RegisteredAt = Time(r.GetInt64(5)),
            LastInformAt = OptionalTime(r, 6),
            LastBootAt = OptionalTime(r, 7),
            LastBootstrapAt = OptionalTime(r, 8),
            LastEvents = r.GetString(9),
            CwmpVersion = Text(r, 10),
            RemoteAddress = Text(r, 11),
            Transport = Text(r, 12),
            AuthMethod = Text(r, 13),
            DataModelRoot = Text(r, 14),
            Credentials = new DeviceCredentials(Text(r, 15), Bytes(r, 16), Bytes(r, 17), r.GetInt64(18) != 0, Text(r, 19))
            {
                Previous = Text(r, 29) is { } previous && Bytes(r, 30) is { } md5 && Bytes(r, 31) is { } sha256 ? new PreviousCredential(previous, md5, sha256) : null,
            },
            ConnectionRequest = crUrl is null ? null : new ConnectionRequestEndpoint(crUrl, Text(r, 21), Password(r, 22, id, secrets), Text(r, 23)),
            PeriodicInformInterval = r.IsDBNull(24) ? null : (uint)r.GetInt64(24),
            AcsUrl = Text(r, 25),
            SoftwareVersion = Text(r, 26),
            AcsUrlSetAt = OptionalTime(r, 27),
            BootstrapExpected = r.GetInt64(28) != 0,
        };
    }

    public static void Bind(RawStatement s, Device d, SecretBox secrets)
    {
        s.Bind("$id", d.Id.ToString());
        if (s.Has("$oui"))
        {
            // Only an insert sets what never changes afterwards.
            s.Bind("$oui", d.Id.Oui);
            s.Bind("$product_class", d.Id.ProductClass);
            s.Bind("$serial_number", d.Id.SerialNumber);
            s.Bind("$registered_at", d.RegisteredAt.ToUnixTimeMilliseconds());
        }

        s.Bind("$manufacturer", d.Manufacturer);
        s.Bind("$last_inform_at", Milliseconds(d.LastInformAt));
        s.Bind("$last_boot_at", Milliseconds(d.LastBootAt));
        s.Bind("$last_bootstrap_at", Milliseconds(d.LastBootstrapAt));
        s.Bind("$last_events", d.LastEvents);
        s.Bind("$cwmp_version", d.CwmpVersion);
        s.Bind("$remote_address", d.RemoteAddress);
        s.Bind("$transport", d.Transport);
        s.Bind("$auth_method", d.AuthMethod);
        s.Bind("$data_model_root", d.DataModelRoot);
        s.Bind("$username", d.Credentials.Username);
        s.Bind("$ha1_md5", d.Credentials.Ha1Md5);
        s.Bind("$ha1_sha256", d.Credentials.Ha1Sha256);
        s.Bind("$enrolled", d.Credentials.Enrolled ? 1 : 0);
        s.Bind("$certificate_thumbprint", d.Credentials.CertificateThumbprint);
        s.Bind("$cr_url", d.ConnectionRequest?.Url);
        s.Bind("$cr_username", d.ConnectionRequest?.Username);
        s.Bind("$cr_password", d.ConnectionRequest?.Password is { } password ? secrets.Seal(password, PasswordContext(d.Id)) : null);
        s.Bind("$cr_udp_address", d.ConnectionRequest?.UdpAddress);
        s.Bind("$periodic_interval", (long?)d.PeriodicInformInterval);
        s.Bind("$acs_url", d.AcsUrl);
        s.Bind("$software_version", d.SoftwareVersion);
        s.Bind("$acs_url_set_at", Milliseconds(d.AcsUrlSetAt));
        s.Bind("$bootstrap_expected", d.BootstrapExpected ? 1 : 0);
        s.Bind("$previous_username", d.Credentials.Previous?.Username);
        s.Bind("$previous_ha1_md5", d.Credentials.Previous?.Ha1Md5);
        s.Bind("$previous_ha1_sha256", d.Credentials.Previous?.Ha1Sha256);
    }

    public static DateTimeOffset Time(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    public static long? Milliseconds(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static object Db(DateTimeOffset? time) => (object?)Milliseconds(time) ?? DBNull.Value;

    public static object Db(string? text) => (object?)text ?? DBNull.Value;

    private static DateTimeOffset? OptionalTime<TRow>(TRow r, int i)
        where TRow : IRow => r.IsDBNull(i) ? null : Time(r.GetInt64(i));

    private static string? Text<TRow>(TRow r, int i)
        where TRow : IRow => r.IsDBNull(i) ? null : r.GetString(i);

    // The connection-request password: sealed (a blob) since schema 4; text in rows not written since, until the
    // device's next session writes it again. Sealed for this device's row only.
    private static string? Password<TRow>(TRow r, int i, DeviceId id, SecretBox secrets)
        where TRow : IRow
    {
        if (r.IsDBNull(i))
        {
            return null;
        }

        if (!r.IsBlob(i))
        {
            return r.GetString(i);
        }

        try
        {
            return secrets.Open(r.GetBytes(i), PasswordContext(id));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"The connection-request password of {id} does not open with the store's key: the row was altered or copied from another store.", e);
        }
    }

    private static string PasswordContext(DeviceId id) => "cr_password\n" + id.ToString();

    private static byte[]? Bytes<TRow>(TRow r, int i)
        where TRow : IRow => r.IsDBNull(i) ? null : r.GetBytes(i);
}
