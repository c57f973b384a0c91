using Npgsql;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Security.Secrets;

namespace Palisade.Storage.Postgres;

/// <summary>Maps <see cref="Device"/> to and from a row of the devices table.</summary>
internal static class PgDeviceRow
{
    public const string Columns =
        "d.id, d.oui, d.product_class, d.serial_number, d.manufacturer, d.registered_at, d.last_inform_at, d.last_boot_at, d.last_bootstrap_at, "
        + "d.last_events, d.cwmp_version, d.remote_address, d.transport, d.auth_method, d.data_model_root, d.username, d.ha1_md5, d.ha1_sha256, "
        + "d.enrolled, d.certificate_thumbprint, d.cr_url, d.cr_username, d.cr_password, d.cr_udp_address, d.periodic_interval, d.acs_url, d.software_version, "
        + "d.acs_url_set_at, d.bootstrap_expected, d.previous_username, d.previous_ha1_md5, d.previous_ha1_sha256";

    /// <summary>How many columns <see cref="Columns"/> names: a statement's own columns after them start here.</summary>
    public static readonly int ColumnCount = Columns.Split(',').Length;

    // $1 id, $2 oui, $3 product_class, $4 serial_number, $5 registered_at, then the mutable fields $6…$32 (Mutable).
    public const string Upsert = """
        INSERT INTO devices (id, oui, product_class, serial_number, registered_at, manufacturer, last_inform_at, last_boot_at,
            last_bootstrap_at, last_events, cwmp_version, remote_address, transport, auth_method, data_model_root, cr_url,
            cr_username, cr_password, cr_udp_address, periodic_interval, acs_url, software_version, acs_url_set_at,
            bootstrap_expected, username, ha1_md5, ha1_sha256, enrolled, certificate_thumbprint, previous_username,
            previous_ha1_md5, previous_ha1_sha256)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
            $24, $25, $26, $27, $28, $29, $30, $31, $32)
        ON CONFLICT (id) DO UPDATE SET
            manufacturer = excluded.manufacturer, last_inform_at = excluded.last_inform_at, last_boot_at = excluded.last_boot_at,
            last_bootstrap_at = excluded.last_bootstrap_at, last_events = excluded.last_events, cwmp_version = excluded.cwmp_version,
            remote_address = excluded.remote_address, transport = excluded.transport, auth_method = excluded.auth_method,
            data_model_root = excluded.data_model_root, cr_url = excluded.cr_url, cr_username = excluded.cr_username,
            cr_password = excluded.cr_password, cr_udp_address = excluded.cr_udp_address, periodic_interval = excluded.periodic_interval,
            acs_url = excluded.acs_url, software_version = excluded.software_version, acs_url_set_at = excluded.acs_url_set_at,
            bootstrap_expected = excluded.bootstrap_expected, username = excluded.username, ha1_md5 = excluded.ha1_md5,
            ha1_sha256 = excluded.ha1_sha256, enrolled = excluded.enrolled, certificate_thumbprint = excluded.certificate_thumbprint,
            previous_username = excluded.previous_username, previous_ha1_md5 = excluded.previous_ha1_md5,
            previous_ha1_sha256 = excluded.previous_ha1_sha256
        RETURNING key
        """;

    // A device the session found in the store: updated, never inserted again (deleted meanwhile: no row, the session is
    // dropped). The credentials ($25…$32) are written only when the session changed them ($33): an operator's readmit
    // between the session's start and its commit stays. $2…$5 (what never changes) are bound but unused.
    public const string Update = """
        UPDATE devices SET
            manufacturer = $6, last_inform_at = $7, last_boot_at = $8, last_bootstrap_at = $9, last_events = $10,
            cwmp_version = $11, remote_address = $12, transport = $13, auth_method = $14, data_model_root = $15,
            cr_url = $16, cr_username = $17, cr_password = $18, cr_udp_address = $19, periodic_interval = $20, acs_url = $21,
            software_version = $22, acs_url_set_at = $23, bootstrap_expected = $24,
            username = CASE WHEN $33 THEN $25 ELSE username END,
            ha1_md5 = CASE WHEN $33 THEN $26 ELSE ha1_md5 END,
            ha1_sha256 = CASE WHEN $33 THEN $27 ELSE ha1_sha256 END,
            enrolled = CASE WHEN $33 THEN $28 ELSE enrolled END,
            certificate_thumbprint = CASE WHEN $33 THEN $29 ELSE certificate_thumbprint END,
            previous_username = CASE WHEN $33 THEN $30 ELSE previous_username END,
            previous_ha1_md5 = CASE WHEN $33 THEN $31 ELSE previous_ha1_md5 END,
            previous_ha1_sha256 = CASE WHEN $33 THEN $32 ELSE previous_ha1_sha256 END
        WHERE id = $1
        """;

    /// <summary>The parameters $1…$32 of <see cref="Upsert"/> and <see cref="Update"/>.</summary>
    public static NpgsqlParameter[] Bind(Device d, SecretBox secrets)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(secrets);
        return
        [
            Parameters.Text(d.Id.ToString()),
            Parameters.Text(d.Id.Oui),
            Parameters.Text(d.Id.ProductClass),
            Parameters.Text(d.Id.SerialNumber),
            Parameters.Time(d.RegisteredAt),
            Parameters.Text(d.Manufacturer),
            Parameters.Time(d.LastInformAt),
            Parameters.Time(d.LastBootAt),
            Parameters.Time(d.LastBootstrapAt),
            Parameters.Text(d.LastEvents),
            Parameters.Text(d.CwmpVersion),
            Parameters.Text(d.RemoteAddress),
            Parameters.Text(d.Transport),
            Parameters.Text(d.AuthMethod),
            Parameters.Text(d.DataModelRoot),
            Parameters.Text(d.ConnectionRequest?.Url),
            Parameters.Text(d.ConnectionRequest?.Username),
            Parameters.Bytes(d.ConnectionRequest?.Password is { } password ? secrets.Seal(password, PasswordContext(d.Id)) : null),
            Parameters.Text(d.ConnectionRequest?.UdpAddress),
            Parameters.Long(d.PeriodicInformInterval),
            Parameters.Text(d.AcsUrl),
            Parameters.Text(d.SoftwareVersion),
            Parameters.Time(d.AcsUrlSetAt),
            Parameters.Bool(d.BootstrapExpected),
            Parameters.Text(d.Credentials.Username),
            Parameters.Bytes(d.Credentials.Ha1Md5),
            Parameters.Bytes(d.Credentials.Ha1Sha256),
            Parameters.Bool(d.Credentials.Enrolled),
            Parameters.Text(d.Credentials.CertificateThumbprint),
            Parameters.Text(d.Credentials.Previous?.Username),
            Parameters.Bytes(d.Credentials.Previous?.Ha1Md5),
            Parameters.Bytes(d.Credentials.Previous?.Ha1Sha256),
        ];
    }

    /// <summary>Reads a device from <see cref="Columns"/> starting at column 0.</summary>
    public static Device Read(NpgsqlDataReader r, SecretBox secrets)
    {
        ArgumentNullException.ThrowIfNull(r);
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
            Credentials = new DeviceCredentials(Text(r, 15), Bytes(r, 16), Bytes(r, 17), r.GetBoolean(18), Text(r, 19))
            {
                Previous = Text(r, 29) is { } previous && Bytes(r, 30) is { } md5 && Bytes(r, 31) is { } sha256 ? new PreviousCredential(previous, md5, sha256) : null,
            },
            ConnectionRequest = crUrl is null ? null : new ConnectionRequestEndpoint(crUrl, Text(r, 21), Password(r, 22, id, secrets), Text(r, 23)),
            PeriodicInformInterval = r.IsDBNull(24) ? null : (uint)r.GetInt64(24),
            AcsUrl = Text(r, 25),
            SoftwareVersion = Text(r, 26),
            AcsUrlSetAt = OptionalTime(r, 27),
            BootstrapExpected = r.GetBoolean(28),
        };
    }

    public static DateTimeOffset Time(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    public static DateTimeOffset? OptionalTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetInt64(i));

    public static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <summary>The context a connection-request password is sealed under: this device's row only (as in the SQLite store).</summary>
    public static string PasswordContext(DeviceId id) => "cr_password\n" + id.ToString();

    private static byte[]? Bytes(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : (byte[])r.GetValue(i);

    private static string? Password(NpgsqlDataReader r, int i, DeviceId id, SecretBox secrets)
    {
        if (r.IsDBNull(i))
        {
            return null;
        }

        try
        {
            return secrets.Open((byte[])r.GetValue(i), PasswordContext(id));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"The connection-request password of {id} does not open with the store's key: the row was altered or copied from another store.", e);
        }
    }
}
