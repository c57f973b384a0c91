namespace Palisade.Acs.Files;

/// <summary>
/// A file in the file store: its metadata, the SHA-256 and size of its content (which is stored once per distinct
/// content), the server's <c>palisade-signature-1</c> document and, optionally, an operator's made elsewhere.
/// </summary>
/// <param name="Name">The name it is known by (<see cref="FileNames"/>): the key of the store and of download tasks.</param>
/// <param name="FileType">TR-069's file type, e.g. <c>1 Firmware Upgrade Image</c>.</param>
/// <param name="Version">The software version a firmware image installs (signed; compared after the reboot), or empty.</param>
/// <param name="Oui">The OUI it is meant for, or null for any.</param>
/// <param name="ProductClass">The product class it is meant for, or null for any.</param>
/// <param name="ModelName">The model it is meant for, or null for any.</param>
/// <param name="Sha256">The content's SHA-256, lower-case hex.</param>
/// <param name="Size">The content's size in bytes.</param>
/// <param name="Signature">The server's signature document (JSON, <c>palisade-signature-1</c>).</param>
/// <param name="OperatorSignature">An operator's signature document over the same content, or null.</param>
/// <param name="Device">For a configuration backup, the device it came from; null for files operators add.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="CreatedBy">Who stored it (an API caller, <c>cli</c>, or the device of a backup).</param>
public sealed record StoredFile(
    string Name,
    string FileType,
    string Version,
    string? Oui,
    string? ProductClass,
    string? ModelName,
    string Sha256,
    long Size,
    string Signature,
    string? OperatorSignature,
    string? Device,
    DateTimeOffset CreatedAt,
    string CreatedBy);
