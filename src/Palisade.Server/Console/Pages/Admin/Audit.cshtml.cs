using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Access;

namespace Palisade.Server.Console.Pages.Admin;

/// <summary><c>/admin/audit</c>: the audit log, newest first, a page at a time, and the chain's verification.</summary>
public sealed class AuditPage : ConsolePage
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    /// <summary>A checkpoint (<c>SEQ:HASH</c>) kept elsewhere, to check the log still holds it.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Expect { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public AuditVerification? Verification { get; private set; }

    public async Task OnGetAsync()
    {
        Title = "Audit log";
        await TryAsync(async () => Entries = await Services.Audit.ListAsync(Caller, Before, PageSize, HttpContext.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
    }

    public async Task OnGetVerifyAsync()
    {
        await OnGetAsync().ConfigureAwait(false);
        await TryAsync(async () => Verification = await Services.Audit.VerifyAsync(Caller, string.IsNullOrWhiteSpace(Expect) ? null : Expect.Trim(), HttpContext.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
    }
}
