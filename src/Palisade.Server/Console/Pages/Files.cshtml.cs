using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Files;
using Palisade.Acs.Services;

namespace Palisade.Server.Console.Pages;

/// <summary>
/// <c>/files</c>: the file store through <see cref="FileService"/> (the API's rules): the list with each file's metadata,
/// an upload form and a delete that asks first. A file a running campaign uses is refused by the service.
/// </summary>
public sealed class FilesPage : ConsolePage
{
    /// <summary>Files on one page of the list.</summary>
    public const int PageSize = 100;

    public IReadOnlyList<StoredFile> Files { get; private set; } = [];

    /// <summary>The name the list starts after (the cursor of this page).</summary>
    [BindProperty(SupportsGet = true, Name = "after")]
    public string? After { get; set; }

    /// <summary>A file whose delete is being confirmed.</summary>
    public StoredFile? Deleting { get; private set; }

    /// <summary>False when the server runs without a file store (<c>--files-port -1</c>).</summary>
    public bool Enabled => Services.Files is not null;

    /// <summary>The largest file the service stores.</summary>
    public long MaxBytes => Services.Files?.Limits.MaxFileBytes ?? 0;

    /// <summary>The list, and the confirmation of a delete when <paramref name="delete"/> names a file.</summary>
    public async Task OnGetAsync([FromQuery] string? delete)
    {
        Title = "Files";
        if (delete is { Length: > 0 } && Services.Files is { } files)
        {
            await TryAsync(async () => Deleting = await files.GetAsync(Caller, delete, HttpContext.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await LoadAsync().ConfigureAwait(false);
    }

    /// <summary>Stores an uploaded file (signed by the server, audited); the service bounds its size and checks its fields.</summary>
    public async Task<IActionResult> OnPostUploadAsync(
        [FromForm] string? name, [FromForm] string? fileType, [FromForm] string? version, [FromForm] string? oui,
        [FromForm] string? productClass, [FromForm] string? modelName, IFormFile? content)
    {
        Title = "Files";
        var stored = await TryAsync(async () =>
        {
            var files = Require();
            if (content is null || content.Length == 0)
            {
                throw ServiceException.Invalid("content", "Choose the file to upload.");
            }

            var file = new NewFile((name is { Length: > 0 } ? name : content.FileName).Trim(), fileType ?? string.Empty, version?.Trim() ?? string.Empty, Blank(oui), Blank(productClass), Blank(modelName));
            await using var stream = content.OpenReadStream();
            var written = await files.AddAsync(Caller, file, stream, HttpContext.RequestAborted).ConfigureAwait(false);
            Flash($"{(written.Created ? "Stored" : "Replaced")} {written.Value.Name}: {written.Value.Size} bytes, SHA-256 {written.Value.Sha256}.");
        }).ConfigureAwait(false);
        if (stored)
        {
            return Redirect("/files");
        }

        await LoadAsync().ConfigureAwait(false);
        return Page();
    }

    /// <summary>Deletes a file after the confirmation; refused while a running campaign uses it.</summary>
    public Task<IActionResult> OnPostDeleteAsync([FromForm] string? name)
    {
        Title = "Files";
        return ActAsync(
            async () =>
            {
                await Require().DeleteAsync(Caller, name ?? string.Empty, HttpContext.RequestAborted).ConfigureAwait(false);
                return ($"{name} deleted.", "/files");
            },
            LoadAsync);
    }

    /// <summary>A size as people read it.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => bytes + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " KiB",
        _ => (bytes / 1048576.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " MiB",
    };

    /// <summary>The types the upload form offers (the service also takes vendor types <c>X OUI name</c>).</summary>
    public static IReadOnlyList<string> Types { get; } = [FileTypes.Firmware, "2 Web Content", FileTypes.VendorConfiguration, "4 Tone File", "5 Ringer File"];

    private FileService Require() => Services.Files ?? throw new ServiceException(ServiceErrorReason.NotFound, "This server runs without a file store (--files-port -1).");

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private async Task LoadAsync()
    {
        if (Services.Files is not { } files)
        {
            return;
        }

        await TryAsync(async () => Files = await files.ListAsync(Caller, After, PageSize, HttpContext.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
    }
}
