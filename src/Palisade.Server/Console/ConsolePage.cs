using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Palisade.Acs.Access;
using Palisade.Acs.Services;
using Palisade.Server.Api;

namespace Palisade.Server.Console;

/// <summary>
/// What every console page shares: the signed-in caller (a stranger is sent to the sign-in form), the services, and
/// the services' refusals shown as a message with the matching status instead of an error page.
/// </summary>
public abstract class ConsolePage : PageModel
{
    private Caller? _caller;

    /// <summary>The signed-in user.</summary>
    public Caller Caller => _caller ?? throw new InvalidOperationException("No caller: the page allows strangers.");

    /// <summary>True when someone is signed in.</summary>
    public bool SignedIn => _caller is not null;

    /// <summary>A message for the user after an action (a success or a refusal).</summary>
    public string? Message { get; set; }

    /// <summary>True when <see cref="Message"/> tells of a refusal.</summary>
    public bool MessageIsError { get; set; }

    /// <summary>The page's title.</summary>
    public string Title { get; protected set; } = "Palisade";

    internal ApiServices Services => HttpContext.RequestServices.GetService(typeof(ApiServices)) as ApiServices
        ?? throw new InvalidOperationException("The console's services are not registered.");

    /// <summary>True for the sign-in page, which strangers may see.</summary>
    protected virtual bool AllowStrangers => false;

    /// <summary>True when the signed-in user's role includes <paramref name="permission"/>.</summary>
    public bool Can(Permission permission) => _caller?.Can(permission) == true;

    /// <inheritdoc />
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        _caller = ConsoleSessions.Caller(HttpContext);
        if (_caller is null && !AllowStrangers)
        {
            var back = HttpContext.Request.Method == HttpMethods.Get ? HttpContext.Request.Path + HttpContext.Request.QueryString : HttpContext.Request.Path.ToString();
            context.Result = new RedirectResult("/?return=" + Uri.EscapeDataString(back));
            return;
        }

        await next().ConfigureAwait(false);
    }

    /// <summary>Runs a service call; a refusal becomes the page's message and status.</summary>
    protected async Task<bool> TryAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action().ConfigureAwait(false);
            return true;
        }
        catch (ServiceException e)
        {
            Fail(e);
            return false;
        }
        catch (Acs.Storage.StoreException e) when (e.Reason == Acs.Storage.StoreErrorReason.Rejected)
        {
            // As the API answers it (409): a write the store refused, e.g. an audit entry over its bound for a task
            // whose value is that large.
            Fail(ServiceException.Conflict("The store refused the change; nothing was written."));
            return false;
        }
    }

    /// <summary>Shows a refusal with the status the API would answer.</summary>
    protected void Fail(ServiceException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Message = e.Message;
        MessageIsError = true;
        Response.StatusCode = e.Reason switch
        {
            ServiceErrorReason.Unauthenticated => 401,
            ServiceErrorReason.Forbidden => 403,
            ServiceErrorReason.NotFound => 404,
            ServiceErrorReason.Conflict => 409,
            ServiceErrorReason.TooMuchWork => 422,
            ServiceErrorReason.Throttled => 429,
            _ => 400,
        };
        if (e.RetryAfter is { } wait)
        {
            Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A redirect to a local path only (never elsewhere): ASP.NET's own check, which also refuses control characters (<c>/%09/host</c>).</summary>
    protected IActionResult Local(string? path, string fallback) =>
        Redirect(path is { Length: > 1 } && Url.IsLocalUrl(path) ? path : fallback);

    /// <summary>
    /// Post, redirect, get: runs <paramref name="action"/>; on success remembers its message and redirects where it
    /// says, so that a reload never repeats it; on a refusal shows the page again (<paramref name="reload"/>) with the
    /// error and the refusal's status.
    /// </summary>
    protected async Task<IActionResult> ActAsync(Func<Task<(string Message, string Then)>> action, Func<Task> reload)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(reload);
        (string Message, string Then) done = (string.Empty, string.Empty);
        if (await TryAsync(async () => done = await action().ConfigureAwait(false)).ConfigureAwait(false))
        {
            Flash(done.Message);
            return Redirect(done.Then);
        }

        var status = Response.StatusCode;
        await reload().ConfigureAwait(false);
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>Remembers a message across the redirect after a successful action.</summary>
    protected void Flash(string message) => TempData["message"] = message;
}
