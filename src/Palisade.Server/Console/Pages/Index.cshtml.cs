using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Services;

namespace Palisade.Server.Console.Pages;

/// <summary><c>/</c>: the sign-in form for a stranger; the device list for a signed-in user.</summary>
public sealed class SignInPage : ConsolePage
{
    /// <summary>Where to go after signing in (a local path only).</summary>
    [BindProperty(SupportsGet = true, Name = "return")]
    public string? Return { get; set; }

    /// <summary>The name typed, kept when the password was wrong.</summary>
    [BindProperty]
    public string? Username { get; set; }

    /// <inheritdoc />
    protected override bool AllowStrangers => true;

    /// <summary>Shows the form, or the device list to someone signed in.</summary>
    public IActionResult OnGet()
    {
        Title = "Sign in";
        return SignedIn ? Local(Return, "/devices") : Page();
    }

    /// <summary>Signs in with the API's rules: the same users, throttle and audit.</summary>
    public async Task<IActionResult> OnPostAsync([FromForm] string? password)
    {
        Title = "Sign in";
        if (string.IsNullOrEmpty(Username) || string.IsNullOrEmpty(password))
        {
            Message = "Enter your user name and password.";
            MessageIsError = true;
            Response.StatusCode = 400;
            return Page();
        }

        var sessions = (ConsoleSessions)HttpContext.RequestServices.GetService(typeof(ConsoleSessions))!;
        try
        {
            await sessions.SignInAsync(HttpContext, Username, password).ConfigureAwait(false);
        }
        catch (ServiceException e)
        {
            Fail(e);
            return Page();
        }

        return Local(Return, "/devices");
    }
}
