using Microsoft.AspNetCore.Mvc;

namespace Palisade.Server.Console.Pages;

/// <summary><c>/account</c>: the user's own password, and signing out.</summary>
public sealed class AccountPage : ConsolePage
{
    /// <summary>Shows the page.</summary>
    public void OnGet() => Title = "Account";

    /// <summary>Changes the password (the sign-in service checks the current one and the rules for the new one).</summary>
    public async Task OnPostPasswordAsync([FromForm] string? current, [FromForm] string? next, [FromForm] string? confirm)
    {
        Title = "Account";
        if (next != confirm)
        {
            Message = "The two new passwords differ.";
            MessageIsError = true;
            Response.StatusCode = 400;
            return;
        }

        if (await TryAsync(() => Services.SignIn.ChangePasswordAsync(Caller, ConsoleSessions.Token(HttpContext)!, current ?? string.Empty, next ?? string.Empty, HttpContext.RequestAborted)).ConfigureAwait(false))
        {
            Message = "Your password is changed; your other sessions have ended.";
        }
    }

    /// <summary>Ends the session.</summary>
    public async Task<IActionResult> OnPostSignOutAsync()
    {
        var sessions = (ConsoleSessions)HttpContext.RequestServices.GetService(typeof(ConsoleSessions))!;
        await sessions.SignOutAsync(HttpContext).ConfigureAwait(false);
        return Redirect("/");
    }
}
