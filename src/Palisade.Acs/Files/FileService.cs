using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Services;

namespace Palisade.Acs.Files;

/// <summary>
/// The file store's rules for operators (the API and the console): names and types checked, sizes bounded, every
/// file signed by the server as it is stored, operator signatures checked against the content, every write audited
/// with the content's SHA-256. A file a running campaign uses cannot be deleted.
/// </summary>
public sealed class FileService(IFileStore store, AuditService audit, FileSigner signer, FileLimits limits, TimeProvider time)
{
    /// <summary>The bounds in force.</summary>
    public FileLimits Limits => limits;

    /// <summary>The signer (its public key is what CPEs trust).</summary>
    public FileSigner Signer => signer;

    /// <summary>Says whether a file is in use by a running campaign (and which); null until campaigns are composed in.</summary>
    public Func<string, CancellationToken, Task<string?>>? InUse { get; set; }

    /// <summary>Where uploads are spooled while they are hashed (default: the system's temporary folder).</summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>Files by name after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<StoredFile>> ListAsync(Caller caller, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadFiles);
        return await store.ListFilesAsync(null, after, Math.Clamp(limit, 1, 1000), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A device's configuration backups, newest first.</summary>
    public async Task<IReadOnlyList<StoredFile>> ListBackupsAsync(Caller caller, string deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadFiles);
        return await store.ListFilesAsync(deviceId, null, limits.BackupsPerDevice, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One file's metadata.</summary>
    public async Task<StoredFile> GetAsync(Caller caller, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadFiles);
        return await store.GetFileAsync(name, cancellationToken).ConfigureAwait(false) ?? throw ServiceException.NotFound("file");
    }

    /// <summary>
    /// Adds (or replaces) a file: the content is spooled and hashed within <see cref="FileLimits.MaxFileBytes"/>, signed
    /// by the server, and stored whole. Audited as <c>file.put</c> with its SHA-256.
    /// </summary>
    public async Task<Written<StoredFile>> AddAsync(Caller caller, NewFile file, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(content);
        caller.Demand(Permission.WriteFiles);
        Check(file);
        if (await store.GetFileAsync(file.Name, cancellationToken).ConfigureAwait(false) is { } existing && InUse is not null
            && await InUse(existing.Name, cancellationToken).ConfigureAwait(false) is { } campaign)
        {
            throw ServiceException.Conflict($"Campaign '{campaign}' uses file '{file.Name}'; it cannot be replaced until the campaign ends.");
        }

        var stored = await StoreAsync(file, null, content, limits.MaxFileBytes, caller.Actor, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(caller, "file.put", file.Name, new JsonObject
        {
            ["sha256"] = stored.Value.Sha256,
            ["size"] = stored.Value.Size,
            ["fileType"] = stored.Value.FileType,
            ["version"] = stored.Value.Version,
        }).ConfigureAwait(false);
        return stored;
    }

    /// <summary>Deletes a file, unless a running campaign uses it. Audited as <c>file.delete</c>.</summary>
    public async Task DeleteAsync(Caller caller, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteFiles);
        var existing = await store.GetFileAsync(name, cancellationToken).ConfigureAwait(false) ?? throw ServiceException.NotFound("file");
        if (InUse is not null && await InUse(name, cancellationToken).ConfigureAwait(false) is { } campaign)
        {
            throw ServiceException.Conflict($"Campaign '{campaign}' uses file '{name}'; it cannot be deleted until the campaign ends.");
        }

        if (!await store.DeleteFileAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.NotFound("file");
        }

        await audit.RecordAsync(caller, "file.delete", name, new JsonObject { ["sha256"] = existing.Sha256 }).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches an operator's signature (a <c>palisade-signature-1</c> document made elsewhere) to a file, or removes it
    /// (null). It must sign this file's content and version. Audited as <c>file.sign</c>.
    /// </summary>
    public async Task<StoredFile> SetOperatorSignatureAsync(Caller caller, string name, byte[]? document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteFiles);
        var file = await store.GetFileAsync(name, cancellationToken).ConfigureAwait(false) ?? throw ServiceException.NotFound("file");
        if (document is not null && signer.CheckOperatorSignature(document, file) is { } problem)
        {
            throw ServiceException.Invalid("signature", "The signature does not fit this file: " + problem + ".");
        }

        var text = document is null ? null : Encoding.UTF8.GetString(document);
        if (!await store.SetOperatorSignatureAsync(name, text, cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.NotFound("file");
        }

        await audit.RecordAsync(caller, document is null ? "file.unsign" : "file.sign", name, new JsonObject { ["sha256"] = file.Sha256 }).ConfigureAwait(false);
        return file with { OperatorSignature = text };
    }

    /// <summary>
    /// Stores a configuration file a device uploaded, as the newest of its backups (older ones beyond
    /// <see cref="FileLimits.BackupsPerDevice"/> are deleted). Bounded by <see cref="FileLimits.MaxUploadBytes"/>.
    /// </summary>
    public async Task<StoredFile> StoreBackupAsync(string deviceId, string fileType, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        var now = time.GetUtcNow();
        var name = BackupName(deviceId, now);
        var stored = await StoreAsync(new NewFile(name, fileType, string.Empty, null, null, null), deviceId, content, limits.MaxUploadBytes, "device:" + deviceId, cancellationToken).ConfigureAwait(false);
        var backups = await store.ListFilesAsync(deviceId, null, 10_000, cancellationToken).ConfigureAwait(false);
        foreach (var old in backups.Skip(limits.BackupsPerDevice))
        {
            await store.DeleteFileAsync(old.Name, cancellationToken).ConfigureAwait(false);
        }

        return stored.Value;
    }

    /// <summary>The name of a device's backup taken at <paramref name="at"/>: the device id made name-safe, and the time.</summary>
    public static string BackupName(string deviceId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        var safe = new StringBuilder(deviceId.Length);
        foreach (var c in deviceId.Take(150))
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return "backup@" + safe + "@" + at.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Check(NewFile file)
    {
        if (!FileNames.IsValid(file.Name))
        {
            throw ServiceException.Invalid("name", $"A file name is 1–{FileNames.MaxLength} letters, digits and . _ - + @ ~, not starting with '.'.");
        }

        if (!FileTypes.IsValid(file.FileType))
        {
            throw ServiceException.Invalid("fileType", "fileType is one of TR-069's file types (\"1 Firmware Upgrade Image\", \"2 Web Content\", \"3 Vendor Configuration File\", \"4 Tone File\", \"5 Ringer File\") or \"X <OUI> <name>\".");
        }

        if (file.FileType == FileTypes.Firmware ? !FileTypes.IsLabel(file.Version) : file.Version.Length > 0 && !FileTypes.IsLabel(file.Version))
        {
            throw ServiceException.Invalid("version", "version is 1–64 printable characters (a firmware image needs one: it is signed and compared after the reboot).");
        }

        foreach (var (field, value) in new[] { ("oui", file.Oui), ("productClass", file.ProductClass), ("model", file.ModelName) })
        {
            if (value is not null && !FileTypes.IsLabel(value))
            {
                throw ServiceException.Invalid(field, field + " is 1–64 printable characters.");
            }
        }
    }

    // Spools the content (hashing and counting, within the bound), signs it, and stores it whole.
    private async Task<Written<StoredFile>> StoreAsync(NewFile file, string? device, Stream content, long maxBytes, string actor, CancellationToken cancellationToken)
    {
        var spool = Path.Combine(SpoolDirectory ?? Path.GetTempPath(), "palisade-upload-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var buffer = new FileStream(spool, options);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[81920];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            size += read;
            if (size > maxBytes)
            {
                throw new ServiceException(ServiceErrorReason.Invalid, $"The file is larger than {maxBytes} bytes, the largest this server stores.", "body");
            }

            hash.AppendData(chunk, 0, read);
            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        var stored = new StoredFile(file.Name, file.FileType, file.Version, file.Oui, file.ProductClass, file.ModelName, sha, size,
            signer.Sign(sha, size, file.Version), null, device, time.GetUtcNow(), actor);
        buffer.Position = 0;
        var created = await store.PutFileAsync(stored, buffer, cancellationToken).ConfigureAwait(false);
        return new Written<StoredFile>(stored, created);
    }
}
