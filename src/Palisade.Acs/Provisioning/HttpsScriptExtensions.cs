using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Services;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// <c>ext()</c> over HTTPS: the extension's allow-listed endpoint gets a POST of <c>{"function", "args"}</c> and answers
/// JSON, within the timeout and the size bound. Never a process, never an endpoint the operator did not list. The
/// session step caches each answer for the rest of the session.
/// </summary>
public sealed class HttpsScriptExtensions(HttpClient client, ScriptExtensionOptions options) : IScriptExtensions
{
    private readonly ScriptExtensionOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();

    /// <inheritdoc />
    public async Task<string> CallAsync(ExtCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!_options.Endpoints.TryGetValue(call.Name, out var endpoint))
        {
            throw new ScriptExtensionException($"The extension '{call.Name}' is not configured.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var body = "{\"function\":" + JsonSerializer.Serialize(call.Function) + ",\"args\":" + call.ArgumentsJson + "}";
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ScriptExtensionException($"The endpoint answered {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
            {
                throw new ScriptExtensionException($"The answer is larger than {_options.MaxResponseBytes} bytes.");
            }

            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[_options.MaxResponseBytes + 1];
                var read = 0;
                int n;
                while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token).ConfigureAwait(false)) > 0)
                {
                    read += n;
                }

                if (read > _options.MaxResponseBytes)
                {
                    throw new ScriptExtensionException($"The answer is larger than {_options.MaxResponseBytes} bytes.");
                }

                var text = Encoding.UTF8.GetString(buffer, 0, read);
                using var parsed = StrictJson.ParseDocument(text, new JsonDocumentOptions { MaxDepth = 32 });
                return text;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ScriptExtensionException($"The endpoint did not answer within {_options.Timeout.TotalMilliseconds} ms.");
        }
        catch (HttpRequestException e)
        {
            throw new ScriptExtensionException("The endpoint could not be reached: " + e.Message, e);
        }
        catch (JsonException e)
        {
            throw new ScriptExtensionException("The answer is not JSON: " + e.Message, e);
        }
    }
}
