using System.Net;
using System.Text;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Provisioning.Declarations;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>ext() over HTTPS: only listed endpoints, the answer bounded in size and time, JSON only.</summary>
public sealed class HttpsScriptExtensionsTests
{
    private static readonly ScriptExtensionOptions Options = new()
    {
        Endpoints = new Dictionary<string, Uri> { ["directory"] = new("https://ext.example.test/directory") },
        Timeout = TimeSpan.FromMilliseconds(200),
        MaxResponseBytes = 64,
    };

    [Fact]
    public async Task A_listed_endpoint_gets_the_function_and_args_and_its_JSON_answer_is_the_result()
    {
        string? sent = null;
        using var client = new HttpClient(new Handler(async request =>
        {
            sent = await request.Content!.ReadAsStringAsync();
            return Json("\"net-1\"");
        }));
        var answer = await new HttpsScriptExtensions(client, Options).CallAsync(new ExtCall("directory", "ssid", "[\"sn-1\",2]"), CancellationToken.None);
        Assert.Equal("\"net-1\"", answer);
        Assert.Equal("{\"function\":\"ssid\",\"args\":[\"sn-1\",2]}", sent);
    }

    [Fact]
    public async Task An_unlisted_name_is_refused_without_a_request()
    {
        var called = false;
        using var client = new HttpClient(new Handler(_ =>
        {
            called = true;
            return Task.FromResult(Json("1"));
        }));
        await Assert.ThrowsAsync<ScriptExtensionException>(() => new HttpsScriptExtensions(client, Options).CallAsync(new ExtCall("other", "f", "[]"), CancellationToken.None));
        Assert.False(called);
    }

    [Theory]
    [InlineData("big")]
    [InlineData("slow")]
    [InlineData("error")]
    [InlineData("notjson")]
    public async Task A_bad_answer_is_an_extension_fault(string kind)
    {
        using var client = new HttpClient(new Handler(async _ => kind switch
        {
            "big" => Json("\"" + new string('x', 200) + "\""),
            "slow" => await Slow(),
            "error" => new HttpResponseMessage(HttpStatusCode.InternalServerError),
            _ => Json("not json"),
        }));

        // (An extension that lost its timeout would wait for the silent endpoint forever: the test's own bound fails it.)
        await Assert.ThrowsAsync<ScriptExtensionException>(() => new HttpsScriptExtensions(client, Options).CallAsync(new ExtCall("directory", "f", "[]"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));

        // An endpoint that never answers: only the extension's own timeout ends the call (no race with a sleep).
        static Task<HttpResponseMessage> Slow() => new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously).Task;
    }

    [Fact]
    public void A_plain_http_endpoint_is_refused_at_start() =>
        Assert.Throws<ArgumentException>(() => new ScriptExtensionOptions { Endpoints = new Dictionary<string, Uri> { ["x"] = new("http://ext.example.test/") } }.Validate());

    private static HttpResponseMessage Json(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed class Handler(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var answer = respond(request);
            var winner = await Task.WhenAny(answer, Task.Delay(Timeout.Infinite, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            return await answer;
        }
    }
}
