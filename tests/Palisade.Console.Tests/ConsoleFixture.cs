using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Palisade.Acs.Access;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cpe.Model;
using Palisade.Testing;

namespace Palisade.Console.Tests;

/// <summary>
/// One real Palisade (API port with the console) and one headless Chromium per test class, users of three roles, and
/// simulated CPEs on request. Chromium is Debian's (<c>PALISADE_CHROMIUM</c>, default /usr/bin/chromium): if it cannot
/// start, every test of the class fails; none is skipped.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";

    /// <summary>The file store's bound in these tests (small, so that a test can go past it).</summary>
    public const long MaxFileBytes = 256 * 1024;
    private static readonly DeviceTemplate Gateway = DeviceTemplate.Build(DeviceProfile.Gateway());
    private readonly List<CpeAgent> _agents = [];
    private readonly CancellationTokenSource _stop = new();
    private ConnectionRequestServer _cr = null!;
    private IPlaywright _playwright = null!;

    public ShiftedClock Clock { get; } = new();

    public TestServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl => Server.Host.Facts.ApiUrl!.TrimEnd('/');

    /// <summary>Where the screenshots of this run go (<c>PALISADE_SCREENSHOTS</c>, or beside the test binaries).</summary>
    public static string ScreenshotDirectory => Environment.GetEnvironmentVariable("PALISADE_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(o => o.Files.Limits.MaxFileBytes = MaxFileBytes, time: Clock);
        _cr = await ConnectionRequestServer.StartAsync(IPAddress.Loopback, 0, burst: 20, perSecond: 10);
        foreach (var (name, role) in new[] { ("operator", Roles.Operator), ("viewer", Roles.Viewer), ("admin2", Roles.Admin) })
        {
            await Server.Host.Store.CreateUserAsync(new UserRecord(name, role, PasswordHasher.Hash(Password), 0, null, DateTimeOffset.UtcNow), CancellationToken.None);
        }

        _playwright = await Playwright.CreateAsync();
        var chromium = Environment.GetEnvironmentVariable("PALISADE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Timeout = 60_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _cr.DisposeAsync();
        await Server.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>A simulated gateway that has had its first session and keeps running (answers connection requests).</summary>
    public async Task<CpeAgent> AgentAsync(string serial, string manufacturer = "Palisade Simulated", Action<CpeDataModel>? prepare = null, Action<AgentOptions>? configure = null)
    {
        var bootstrap = Server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = Server.Url, Username = bootstrap.Username, Password = bootstrap.Password, PeriodicInterval = TimeSpan.FromHours(1) };
        options.TrustedCas.AddRange(Server.Host.Facts.ClientCertificateAnchors);
        configure?.Invoke(options);
        var model = new CpeDataModel(Gateway, new DeviceIdentity(manufacturer, "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A"));
        prepare?.Invoke(model);
        var agent = new CpeAgent(model, options);
        _cr.Register(agent);
        _agents.Add(agent);
        var outcome = await agent.RunSessionAsync(CancellationToken.None);
        Assert.True(outcome.Success, outcome.ToString());
        _ = agent.RunAsync(_stop.Token);
        return agent;
    }

    /// <summary>The device id of a simulated gateway, as the console shows it.</summary>
    public static string DeviceId(string serial) => new Acs.Devices.DeviceId("00D09E", "SIM-GW", serial).ToString();

    /// <summary>A page in a fresh browser context (its own cookies) at the given width.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>The device list's address, matched by the navigation assertions.</summary>
    public static readonly Regex DeviceList = new("^https://[^/]+/devices(?:[/?]|$)", RegexOptions.None); // Playwright hands the pattern to the browser: no .NET-only flags

    /// <summary>Signs in through the form and waits for the device list.</summary>
    public async Task SignInAsync(IPage page, string user, string password = Password)
    {
        await page.GotoAsync(BaseUrl + "/");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            // A polling assertion, not WaitForURLAsync: that one can miss a navigation that commits while it starts
            // listening (seen on a loaded CI machine: the page showed the device list and the wait still ran out).
            await Assertions.Expect(page).ToHaveURLAsync(DeviceList);
        }
        catch (PlaywrightException e)
        {
            // Say what the page showed instead (a refusal, a throttle, an error), not only that the wait ran out.
            var said = string.Join(" | ", await page.Locator("p.message").AllInnerTextsAsync());
            await ShotAsync(page, "sign-in-failed-" + user);
            throw new InvalidOperationException($"Signing in as {user} did not reach /devices: the page is {page.Url} and says \"{said}\".", e);
        }
    }

    /// <summary>The status of an API call with a bearer token (a POST when a JSON body is given).</summary>
    public async Task<int> ApiStatusAsync(string path, string? token, string? json = null)
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        using var request = new HttpRequestMessage(json is null ? HttpMethod.Get : HttpMethod.Post, BaseUrl + path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>
    /// Saves a full-page screenshot into the run's results. Chromium now and then refuses a full-page capture
    /// ("Unable to capture screenshot", seen once in a fresh-clone run, on the files page's delete confirmation): it is tried
    /// again, and then the visible part is saved instead. The screenshot is the page's record, not an assertion.
    /// </summary>
    public static async Task ShotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = attempt < 3 });
                return;
            }
            catch (PlaywrightException e) when (attempt < 3 && e.Message.Contains("Unable to capture screenshot", StringComparison.Ordinal))
            {
                // Tried again below: full page once more, then the viewport.
            }
        }
    }
}
