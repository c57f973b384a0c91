using System.Text.Json;
using Microsoft.Playwright;
using Palisade.Acs.Access;
using static Microsoft.Playwright.Assertions;

namespace Palisade.Console.Tests;

/// <summary>Sign-in, sessions and the console's defences, in a real browser against a real server.</summary>
public sealed class ConsoleSecurityTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task A_stranger_signs_in_by_keyboard_gets_a_strict_cookie_and_signs_out()
    {
        var page = await fx.NewPageAsync();
        var first = await page.GotoAsync(fx.BaseUrl + "/devices");
        Assert.Contains("/?return=", page.Url, StringComparison.Ordinal);
        await ConsoleFixture.ShotAsync(page, "sign-in");

        // The form by keyboard alone: the user name field has focus, Tab moves on, Enter submits.
        await page.Keyboard.TypeAsync("operator");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(ConsoleFixture.Password);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(ConsoleFixture.DeviceList);

        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "__Host-palisade");
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal(-1, cookie.Expires); // a session cookie: gone with the browser

        var response = await page.ReloadAsync();
        var headers = response!.Headers;
        Assert.Contains("script-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.Contains("no-store", headers["cache-control"], StringComparison.Ordinal);

        // The session token is the sign-in service's: signing out ends it for the API too.
        Assert.Equal(200, await fx.ApiStatusAsync("/api/v1/devices", cookie.Value));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(fx.BaseUrl + "/");
        Assert.Equal(401, await fx.ApiStatusAsync("/api/v1/devices", cookie.Value));
        await page.GotoAsync(fx.BaseUrl + "/devices");
        Assert.Contains("/?return=", page.Url, StringComparison.Ordinal);
        Assert.Equal(200, first!.Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_idle_session_ends_failed_logins_wait_as_in_the_API_and_a_user_changes_their_password()
    {
        await fx.Server.Host.Store.CreateUserAsync(new UserRecord("changer", Roles.Viewer, PasswordHasher.Hash(ConsoleFixture.Password), 0, null, DateTimeOffset.UtcNow), CancellationToken.None);
        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "changer");

        // Idle past the timeout: the next request finds the session gone.
        fx.Clock.Advance(TimeSpan.FromMinutes(16));
        await page.ReloadAsync();
        Assert.Contains("/?return=", page.Url, StringComparison.Ordinal);

        // Five wrong passwords, then the sixth attempt waits, in the console and the API alike (one throttle).
        for (var i = 0; i < 5; i++)
        {
            await TrySignInAsync(page, "changer", "wrong password " + i);
            await Expect(page.Locator("p.message.error")).ToContainTextAsync("Wrong user name or password.");
        }

        var sixth = await TrySignInAsync(page, "changer", ConsoleFixture.Password);
        Assert.Equal(429, sixth.Status);
        await Expect(page.Locator("p.message.error")).ToContainTextAsync("Too many failed logins");
        Assert.Equal(429, await fx.ApiStatusAsync("/api/v1/login", null, JsonSerializer.Serialize(new { username = "changer", password = ConsoleFixture.Password })));

        // After the wait: the right password signs in, and the user changes it.
        fx.Clock.Advance(TimeSpan.FromMinutes(16));
        await fx.SignInAsync(page, "changer");
        await page.GotoAsync(fx.BaseUrl + "/account");
        await ConsoleFixture.ShotAsync(page, "account");
        await page.GetByLabel("Current password").FillAsync(ConsoleFixture.Password);
        await page.GetByLabel("New password (at least 12 characters)").FillAsync("a new and longer passphrase");
        await page.GetByLabel("New password again").FillAsync("a new and longer passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.Locator("p.message")).ToContainTextAsync("Your password is changed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        var old = await TrySignInAsync(page, "changer", ConsoleFixture.Password);
        Assert.Equal(401, old.Status);
        await fx.SignInAsync(page, "changer", "a new and longer passphrase");
        Assert.Contains(await fx.Server.Host.Store.ListAuditAsync(null, 200, CancellationToken.None), e => e.Action == "user.password-change" && e.Actor == "user:changer");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_CPE_supplied_script_or_onerror_attribute_shows_as_text_and_never_runs()
    {
        const string Img = "<img src=x onerror=pwned(1)>";
        const string Script = "<script>pwned(2)</script>";
        await fx.AgentAsync("XSS0001", manufacturer: Img, prepare: m => m.SetInternal("Device.DeviceInfo.SoftwareVersion", Script));
        var page = await fx.NewPageAsync();
        var calls = new List<string>();
        await page.Context.ExposeFunctionAsync("pwned", (string n) => calls.Add(n));
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await fx.SignInAsync(page, "viewer");

        await page.GotoAsync(fx.BaseUrl + "/devices?filter=" + Uri.EscapeDataString("serialNumber = \"XSS0001\"") + "&columns=manufacturer&columns=softwareVersion");
        await Expect(page.Locator("table.devices tbody")).ToContainTextAsync(Script);
        await page.GetByRole(AriaRole.Link, new() { Name = ConsoleFixture.DeviceId("XSS0001") }).ClickAsync();
        Assert.Equal(Img, await page.Locator("#manufacturer").InnerTextAsync());
        Assert.Equal(Script, await page.Locator("#software").InnerTextAsync());
        await ConsoleFixture.ShotAsync(page, "device-hostile-values");
        Assert.Equal(0, await page.Locator("#main img").CountAsync());
        Assert.Empty(calls);
        Assert.Equal(0, dialogs);

        // The listener works: a script the page is allowed to run does call it.
        await page.EvaluateAsync("() => window.pwned('probe')");
        Assert.Equal(["probe"], calls);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_viewer_cannot_reach_an_operator_action_even_by_posting_the_form()
    {
        await fx.AgentAsync("VIEW0001");
        var id = ConsoleFixture.DeviceId("VIEW0001");
        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "viewer");
        await page.GotoAsync(fx.BaseUrl + "/devices/" + Uri.EscapeDataString(id));
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Reboot" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).CountAsync());

        // The viewer's own antiforgery token (from the sign-out form) makes the post well-formed; the role still refuses.
        var token = await page.Locator("input[name=__csrf]").First.GetAttributeAsync("value");
        var reboot = await page.APIRequest.PostAsync(fx.BaseUrl + "/devices/" + Uri.EscapeDataString(id) + "?handler=Reboot", new() { Form = Form(page, ("__csrf", token!)), MaxRedirects = 0 });
        Assert.Equal(403, reboot.Status);
        var tag = await page.APIRequest.PostAsync(fx.BaseUrl + "/devices?handler=Apply", new() { Form = Form(page, ("__csrf", token!), ("kind", "tag"), ("tag", "owned"), ("byFilter", "true")), MaxRedirects = 0 });
        Assert.Equal(403, tag.Status);
        Assert.Empty(await fx.Server.Host.Store.ListTasksAsync(new Acs.Devices.DeviceId("00D09E", "SIM-GW", "VIEW0001"), 10, CancellationToken.None));
        Assert.Empty(await fx.Server.Host.Store.GetTagsAsync(new Acs.Devices.DeviceId("00D09E", "SIM-GW", "VIEW0001"), CancellationToken.None));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        await fx.AgentAsync("CSRF0001");
        var id = ConsoleFixture.DeviceId("CSRF0001");
        var page = await fx.NewPageAsync();
        await fx.SignInAsync(page, "operator");
        var url = fx.BaseUrl + "/devices/" + Uri.EscapeDataString(id) + "?handler=Tag";
        var refused = await page.APIRequest.PostAsync(url, new() { Form = Form(page, ("tag", "csrf")), MaxRedirects = 0 });
        Assert.Equal(400, refused.Status);
        Assert.Empty(await fx.Server.Host.Store.GetTagsAsync(new Acs.Devices.DeviceId("00D09E", "SIM-GW", "CSRF0001"), CancellationToken.None));

        // The same post with the token is accepted: the refusal above was the missing token's.
        await page.GotoAsync(fx.BaseUrl + "/devices/" + Uri.EscapeDataString(id));
        var token = await page.Locator("input[name=__csrf]").First.GetAttributeAsync("value");
        var accepted = await page.APIRequest.PostAsync(url, new() { Form = Form(page, ("__csrf", token!), ("tag", "csrf")), MaxRedirects = 0 });
        Assert.Equal(302, accepted.Status);
        Assert.Equal(["csrf"], await fx.Server.Host.Store.GetTagsAsync(new Acs.Devices.DeviceId("00D09E", "SIM-GW", "CSRF0001"), CancellationToken.None));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_return_path_after_sign_in_never_leads_to_another_site()
    {
        // In the browser: a link to the sign-in form with a tab-smuggled host lands on the device list, not elsewhere.
        var page = await fx.NewPageAsync();
        await page.GotoAsync(fx.BaseUrl + "/?return=/%09/evil.example");
        await page.GetByLabel("User name").FillAsync("viewer");
        await page.GetByLabel("Password").FillAsync(ConsoleFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(fx.BaseUrl + "/devices");
        await page.Context.CloseAsync();

        // Each way of naming another host, posted with the form's own token: always the device list.
        foreach (var evil in new[] { "/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example" })
        {
            var (status, location) = await SignInReturningAsync(evil);
            Assert.True(status == 302 && location == "/devices", $"{evil.Replace("\t", "\\t", StringComparison.Ordinal)}: {status} {location}");
        }

        // A local path is kept, so the check above is not just ignoring the field.
        Assert.Equal((302, "/overview"), await SignInReturningAsync("/overview"));
    }

    [Fact]
    public async Task Checking_and_dry_running_a_script_needs_the_right_to_write_provisioning()
    {
        await fx.AgentAsync("PROV0001");
        var id = ConsoleFixture.DeviceId("PROV0001");
        const string Script = "declare(\"Device.DeviceInfo.ProvisioningCode\", null, {value: \"x\"});";
        foreach (var (user, allowed) in new[] { ("operator", false), ("viewer", false), ("admin2", true) })
        {
            var page = await fx.NewPageAsync();
            await fx.SignInAsync(page, user);
            await page.GotoAsync(fx.BaseUrl + "/provisioning/provision/probe");

            // The operator reads provisioning but may not write it: no button, and a direct post is refused.
            Assert.Equal(allowed ? 1 : 0, await page.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).CountAsync());
            var token = await page.Locator("input[name=__csrf]").First.GetAttributeAsync("value");
            var url = fx.BaseUrl + "/provisioning/provision/probe?handler=";
            var check = await page.APIRequest.PostAsync(url + "Check", new() { Form = Form(page, ("__csrf", token!), ("body", Script)), MaxRedirects = 0 });
            var dryRun = await page.APIRequest.PostAsync(url + "DryRun", new() { Form = Form(page, ("__csrf", token!), ("body", Script), ("device", id)), MaxRedirects = 0 });
            Assert.Equal((user, allowed ? 200 : 403, allowed ? 200 : 403), (user, check.Status, dryRun.Status));
            if (allowed)
            {
                Assert.Contains("The syntax is correct.", await check.TextAsync(), StringComparison.Ordinal);
                Assert.Contains("id=\"dry-run\"", await dryRun.TextAsync(), StringComparison.Ordinal);
            }

            await page.Context.CloseAsync();
        }
    }

    private async Task<(int Status, string? Location)> SignInReturningAsync(string returnPath)
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync(fx.BaseUrl + "/");
        var token = await page.Locator("input[name=__csrf]").First.GetAttributeAsync("value");
        var response = await page.APIRequest.PostAsync(fx.BaseUrl + "/", new()
        {
            Form = Form(page, ("__csrf", token!), ("return", returnPath), ("username", "viewer"), ("password", ConsoleFixture.Password)),
            MaxRedirects = 0,
        });
        var result = (response.Status, response.Headers.GetValueOrDefault("location"));
        await page.Context.CloseAsync();
        return result;
    }

    private static IFormData Form(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Append(name, value);
        }

        return form;
    }

    private async Task<IResponse> TrySignInAsync(IPage page, string user, string password)
    {
        if (!page.Url.StartsWith(fx.BaseUrl + "/", StringComparison.Ordinal) || page.Url.Contains("/devices", StringComparison.Ordinal) || page.Url.Contains("/account", StringComparison.Ordinal))
        {
            await page.GotoAsync(fx.BaseUrl + "/");
        }

        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        return await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(), r => r.Request.Method == "POST");
    }
}
