using Microsoft.Extensions.Logging;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Files;

/// <summary>
/// Runs download tasks that name a stored file and upload tasks that take a configuration backup: it gives the device
/// a URL of its own on the file server (a token bound to the device, the task and the content, and a password derived
/// from it) and queues the Download or Upload. The answer is applied as the operator-task step applies any other, and
/// the TransferComplete that follows closes the task there (OperatorTasksStep), which is also what makes the token
/// useless afterwards. Plaintext URLs go only to devices that came over plaintext (the posture lists them), and only
/// when a plaintext file listener is configured; each one is logged.
/// </summary>
public sealed partial class FileTransferStep(TransferTokens tokens, FileServerUrls urls, ILogger logger) : ISessionStep
{
    /// <inheritdoc />
    public string Name => "files";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public bool TryRunTask(CwmpSession session, DeviceTask task, TaskDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(task);
        var device = session.Id.ToString();
        var commandKey = TaskCommandKey.For(task.Id);
        switch (definition)
        {
            case DownloadTask { Url.Length: 0, FileName: { } file, Sha256: { } sha } download:
            {
                // A configuration file carries the ACS URL and credentials: never over plaintext.
                var plaintext = !session.Tls && urls.Plaintext is not null && download.FileType != FileTypes.VendorConfiguration;
                var token = tokens.Mint(upload: false, plaintext, task.Id, device, file, sha);
                var url = (plaintext ? urls.Plaintext! : urls.Https) + "d/" + token;
                if (plaintext)
                {
                    LogPlaintextDownload(device, file, task.Id);
                }

                session.Enqueue(new SessionRpc(this, new DownloadRequest(commandKey, download.FileType, url, TransferTokens.UserName, tokens.PasswordFor(token),
                    download.FileSize, download.TargetFileName, 0, string.Empty, string.Empty), task));
                return true;
            }

            case UploadTask { Url.Length: 0 } upload:
            {
                var token = tokens.Mint(upload: true, plaintext: false, task.Id, device, string.Empty, string.Empty);
                session.Enqueue(new SessionRpc(this, new UploadRequest(commandKey, upload.FileType, urls.Https + "u/" + token, TransferTokens.UserName, tokens.PasswordFor(token), 0), task));
                return true;
            }

            default:
                return false;
        }
    }

    /// <inheritdoc />
    public ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rpc);
        var task = rpc.Task!;
        if (session.TryFaultTask(task.Id, answer))
        {
            return ValueTask.CompletedTask;
        }

        // Status 1 leaves the task "pending" until its TransferComplete (OperatorTasksStep closes it).
        session.Counters.TasksDone.Increment();
        session.SetTaskOutcome(task.Id, DeviceTaskStatus.Done, ResponseApplier.Apply(session.Changes, rpc.Request, answer, session.Now), null);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Plaintext download URL for {Device} (file {File}, task {Task}): the device informs over plaintext; move it with moveToHttps")]
    private partial void LogPlaintextDownload(string device, string file, long task);
}
