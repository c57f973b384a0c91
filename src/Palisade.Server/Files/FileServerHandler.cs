using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Palisade.Acs.Files;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Security.Digest;

namespace Palisade.Server.Files;

/// <summary>
/// The file server's one handler. Two routes and nothing else: <c>GET|HEAD /d/TOKEN</c> (and <c>TOKEN.sig</c>, the
/// signature document) and <c>PUT /u/TOKEN</c> (a configuration backup). There is no listing and no path from a URL to
/// the file system: the token names a task, the task names a stored file, the store finds its content by SHA-256.
/// Every refusal says as little as it can and is logged with its reason.
/// </summary>
internal sealed partial class FileServerHandler(IPalisadeStore store, FileService files, TransferTokens tokens, FileServerOptions options, ILogger logger)
{
    private const string Realm = "Basic realm=\"palisade-files\"";
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentTransfers, options.MaxConcurrentTransfers);

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await ServeAsync(context).ConfigureAwait(false);
        }
        catch (StoreException e) when (Operations.StoreOutage.Is(e))
        {
            // The store is away (a restart, a failover): the CPE is told to come back, as on the CWMP side, not that the
            // server broke. A transfer already under way just ends; the CPE retries it or reports the fault.
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
            }

            if (Operations.StoreOutage.Begin(context.Response, logger, e))
            {
                CloseIfBodyUnread(context);
            }
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        var path = context.Request.Path.Value ?? string.Empty;
        var upload = path.StartsWith("/u/", StringComparison.Ordinal);
        if (!upload && !path.StartsWith("/d/", StringComparison.Ordinal))
        {
            response.StatusCode = 404;
            return;
        }

        var method = context.Request.Method;
        if (upload ? !HttpMethods.IsPut(method) : !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
        {
            response.StatusCode = 405;
            response.Headers.Allow = upload ? "PUT" : "GET, HEAD";
            return;
        }

        var text = path[3..];
        var signature = !upload && text.EndsWith(".sig", StringComparison.Ordinal);
        if (signature)
        {
            text = text[..^4];
        }

        var (refusal, task, definition) = await AdmitAsync(context, text, upload).ConfigureAwait(false);
        if (refusal is not null)
        {
            response.StatusCode = refusal.Value.Status;
            CloseIfBodyUnread(context);
            if (refusal.Value.Status == 401)
            {
                response.Headers.WWWAuthenticate = Realm;
            }

            LogRefused(context.Connection.RemoteIpAddress?.ToString() ?? "-", refusal.Value.Status, refusal.Value.Reason);
            return;
        }

        if (!_slots.Wait(0))
        {
            response.StatusCode = 503;
            response.Headers.RetryAfter = "30";
            CloseIfBodyUnread(context);
            LogBusy(task!.DeviceId.ToString(), options.MaxConcurrentTransfers);
            return;
        }

        try
        {
            if (upload)
            {
                await ReceiveAsync(context, task!, (UploadTask)definition!).ConfigureAwait(false);
            }
            else
            {
                await SendAsync(context, task!, (DownloadTask)definition!, signature).ConfigureAwait(false);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    // Token, credentials, task, binding, state: each refusal is one status and one reason.
    private async Task<((int Status, string Reason)? Refusal, DeviceTask? Task, TaskDefinition? Definition)> AdmitAsync(HttpContext context, string text, bool upload)
    {
        if (TransferTokens.Parse(text) is not { } token || token.Upload != upload)
        {
            return ((404, "not a token"), null, null);
        }

        if (!context.Request.IsHttps && !token.Plaintext)
        {
            return ((403, $"task {token.TaskId}: a token made for https used over plaintext"), null, null);
        }

        if (!Authorized(context.Request, token))
        {
            return (context.Request.Headers.Authorization.Count == 0 ? (401, $"task {token.TaskId}: no credentials") : (403, $"task {token.TaskId}: wrong credentials"), null, null);
        }

        if (tokens.Expired(token))
        {
            return ((403, $"task {token.TaskId}: the token expired at {token.ExpiresAt:O}"), null, null);
        }

        var task = await store.GetTaskAsync(token.TaskId, context.RequestAborted).ConfigureAwait(false);
        TaskDefinition? definition = null;
        try
        {
            definition = task is null ? null : TaskJson.Parse(task.Payload);
        }
        catch (TaskValidationException)
        {
        }

        var (file, sha) = definition switch
        {
            DownloadTask { Url.Length: 0, FileName: { } f, Sha256: { } s } when !upload => (f, s),
            UploadTask { Url.Length: 0 } when upload => (string.Empty, string.Empty),
            _ => (null, null),
        };
        if (task is null || file is null || !tokens.Verify(token, task.DeviceId.ToString(), file, sha!))
        {
            return ((403, $"task {token.TaskId}: the token was not made for this task, device and file"), null, null);
        }

        if (!Outstanding(task))
        {
            return ((403, $"task {token.TaskId} of {task.DeviceId}: the transfer is no longer outstanding ({task.Status})"), null, null);
        }

        return (null, task, definition);
    }

    private bool Authorized(HttpRequest request, TransferToken token) =>
        BasicCredentials.TryParse(request.Headers.Authorization.ToString(), out var user, out var password)
        && user == TransferTokens.UserName && tokens.CheckPassword(token.Text, password);

    // Queued (not yet answered in a committed session), or answered "completes later" and awaiting its TransferComplete.
    private static bool Outstanding(DeviceTask task)
    {
        if (task.Status == DeviceTaskStatus.Queued)
        {
            return true;
        }

        return task.Status == DeviceTaskStatus.Done && TaskResultState.Is(task.Result, TaskResultState.Pending);
    }

    private async Task SendAsync(HttpContext context, DeviceTask task, DownloadTask download, bool signature)
    {
        var file = await store.GetFileAsync(download.FileName!, context.RequestAborted).ConfigureAwait(false);
        if (file is null || file.Sha256 != download.Sha256)
        {
            // Deleted or replaced since the task was queued: this task's content is gone.
            context.Response.StatusCode = 410;
            LogRefused(context.Connection.RemoteIpAddress?.ToString() ?? "-", 410, $"task {task.Id}: file {download.FileName} was deleted or replaced since the task was queued");
            return;
        }

        if (signature)
        {
            // The operator's signature when there is one: a CPE that trusts only the operator's key then needs nothing
            // from this server's key, and a compromised ACS cannot make one.
            var document = Encoding.UTF8.GetBytes(file.OperatorSignature ?? file.Signature);
            await Results.Bytes(document, "application/json").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var content = await store.OpenContentAsync(file.Sha256, context.RequestAborted).ConfigureAwait(false);
        if (content is null)
        {
            context.Response.StatusCode = 410;
            return;
        }

        await using (content.ConfigureAwait(false))
        {
            LogServing(task.DeviceId.ToString(), file.Name, task.Id, context.Request.Headers.Range.ToString());
            await Results.Stream(content, "application/octet-stream", lastModified: file.CreatedAt,
                entityTag: new EntityTagHeaderValue("\"" + file.Sha256 + "\""), enableRangeProcessing: true).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    private async Task ReceiveAsync(HttpContext context, DeviceTask task, UploadTask upload)
    {
        if (context.Request.ContentLength > files.Limits.MaxUploadBytes)
        {
            context.Response.StatusCode = 413;
            CloseIfBodyUnread(context);
            LogRefused(context.Connection.RemoteIpAddress?.ToString() ?? "-", 413, $"task {task.Id}: {context.Request.ContentLength} bytes announced, at most {files.Limits.MaxUploadBytes}");
            return;
        }

        try
        {
            var stored = await files.StoreBackupAsync(task.DeviceId.ToString(), upload.FileType, context.Request.Body, context.RequestAborted).ConfigureAwait(false);
            LogBackup(task.DeviceId.ToString(), stored.Name, stored.Size);
            context.Response.StatusCode = 201;
        }
        catch (ServiceException e) when (e.Field == "body")
        {
            context.Response.StatusCode = 413;
            CloseIfBodyUnread(context);
            LogRefused(context.Connection.RemoteIpAddress?.ToString() ?? "-", 413, $"task {task.Id}: {e.Message}");
        }
    }

    // An upload refused before its body was read: the connection is not reused, so the client does not send its next
    // request behind bytes the server never read.
    private static void CloseIfBodyUnread(HttpContext context)
    {
        if (HttpMethods.IsPut(context.Request.Method))
        {
            context.Response.Headers.Connection = "close";
        }
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "File server refused {Remote} with {Status}: {Reason}")]
    private partial void LogRefused(string remote, int status, string reason);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "File server busy: {Device} turned away, {Limit} transfers already running")]
    private partial void LogBusy(string device, int limit);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Information, Message = "Serving file {File} to {Device} (task {Task}, range '{Range}')")]
    private partial void LogServing(string device, string file, long task, string range);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "Configuration backup of {Device} stored as {File} ({Size} bytes)")]
    private partial void LogBackup(string device, string file, long size);
}
