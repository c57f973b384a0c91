using Microsoft.Extensions.Logging;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Files;

/// <summary>
/// Answers a CPE's RequestDownload (TR-069 A.4.2.2) from the file store: among the files of the requested FileType that
/// operators stored (not configuration backups), those whose OUI, product class and model name are either unset (for
/// any device) or the device's; the one that names the most of the three wins, then the newest. A download task for it
/// is queued with the session's commit and runs at the device's next session. None matching: nothing is queued (the
/// event <c>9 REQUEST DOWNLOAD</c> is recorded either way); one already queued for the device is not queued twice.
/// The file is found with one indexed store query (<see cref="IFileStore.FindFileForDeviceAsync"/>), however many
/// files are stored.
/// </summary>
public sealed partial class RequestDownloadStep(IFileStore files, ITaskStore tasks, IDeviceRegistry devices, ILogger logger) : ISessionStep
{
    /// <inheritdoc />
    public string Name => "request-download";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask<bool> CpeRequestAsync(CwmpSession session, CwmpMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (request is not RequestDownloadRequest asked)
        {
            return false;
        }

        var id = session.Id;
        var model = await ModelNameAsync(session, cancellationToken).ConfigureAwait(false);
        var best = await files.FindFileForDeviceAsync(asked.FileType, id.Oui, id.ProductClass, model, cancellationToken).ConfigureAwait(false);
        if (best is null || best.Size > uint.MaxValue)
        {
            LogNoMatch(id.ToString(), asked.FileType);
            return false;
        }

        var queued = await tasks.ListTasksAsync(id, 100, cancellationToken).ConfigureAwait(false);
        if (queued.Where(t => t.Status == DeviceTaskStatus.Queued).Select(t => (t.Name, t.Payload)).Concat(session.Changes.NewTasks.Select(t => (t.Name, t.Payload)))
            .Any(t => t.Name == "download" && TaskJson.Parse(t.Payload) is DownloadTask { FileName: { } name } && name == best.Name))
        {
            return false;
        }

        var download = new DownloadTask(best.FileType, string.Empty, (uint)best.Size, best.Name, best.Name) { Sha256 = best.Sha256 };
        session.Changes.NewTasks.Add(new NewTask(download.Name, TaskJson.Serialize(download), session.Now, session.Now.AddDays(7)));
        LogQueued(id.ToString(), asked.FileType, best.Name);
        return false;
    }

    // The model name the device reported (DeviceInfo.ModelName in its Inform, else the cached value), or empty.
    private async Task<string> ModelNameAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        if (session.Inform.ParameterList.FirstOrDefault(p => p.Name.EndsWith(".DeviceInfo.ModelName", StringComparison.Ordinal)) is { } informed)
        {
            return informed.Value.Text;
        }

        foreach (var root in new[] { "Device.", "InternetGatewayDevice." })
        {
            var cached = await devices.GetParametersAsync(session.Id, root + "DeviceInfo.ModelName", cancellationToken).ConfigureAwait(false);
            if (cached.FirstOrDefault(p => p.Path == root + "DeviceInfo.ModelName")?.Value is { } value)
            {
                return value;
            }
        }

        return string.Empty;
    }

    [LoggerMessage(EventId = 2130, Level = LogLevel.Information, Message = "RequestDownload from {Device} for '{FileType}': queued a download of stored file {File}")]
    private partial void LogQueued(string device, string fileType, string file);

    [LoggerMessage(EventId = 2131, Level = LogLevel.Information, Message = "RequestDownload from {Device} for '{FileType}': no stored file matches; recorded as an event only")]
    private partial void LogNoMatch(string device, string fileType);
}
