using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Palisade.Cpe.Model;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Security.Signing;

namespace Palisade.Cpe.Agent;

public sealed partial class CpeAgent
{
    private const string FirmwareImage = "1 Firmware Upgrade Image";
    private const string ConfigurationFileType = "3 Vendor Configuration File";
    private readonly List<Transfer> _transfers = [];

    // A simulated device that never came back from its firmware's reboot: it holds no more sessions.
    private bool _bricked;

    /// <summary>True once a simulated failure left the device dead after a firmware reboot.</summary>
    public bool Bricked => Volatile.Read(ref _bricked);

    private IReadOnlyList<Transfer> QueuedTransfers()
    {
        lock (_gate)
        {
            return [.. _transfers.Where(t => t.State < 3)];
        }
    }

    private DownloadResponse Download(DownloadRequest request)
    {
        RequireHttps(request.Url);
        var transfer = new Transfer(request.CommandKey, true, request.FileType, request.Url, request.Username, request.Password, request.FileSize, request.TargetFileName);
        StartTransfer(transfer, TimeSpan.FromSeconds(request.DelaySeconds));
        return new DownloadResponse(1, CwmpDateTime.Unknown, CwmpDateTime.Unknown);
    }

    private ScheduleDownloadResponse ScheduleDownload(ScheduleDownloadRequest request)
    {
        RequireHttps(request.Url);
        if (request.TimeWindowList.Count is 0 or > 2)
        {
            throw new CpeFaultException(FaultCode.InvalidArguments, "ScheduleDownload needs one or two time windows.");
        }

        var transfer = new Transfer(request.CommandKey, true, request.FileType, request.Url, request.Username, request.Password, request.FileSize, request.TargetFileName) { Scheduled = true };
        StartTransfer(transfer, TimeSpan.FromSeconds(request.TimeWindowList[0].WindowStart));
        return new ScheduleDownloadResponse();
    }

    private UploadResponse Upload(UploadRequest request)
    {
        RequireHttps(request.Url);
        var transfer = new Transfer(request.CommandKey, false, request.FileType, request.Url, request.Username, request.Password, 0, string.Empty);
        StartTransfer(transfer, TimeSpan.FromSeconds(request.DelaySeconds));
        return new UploadResponse(1, CwmpDateTime.Unknown, CwmpDateTime.Unknown);
    }

    private CancelTransferResponse CancelTransfer(CancelTransferRequest request)
    {
        lock (_gate)
        {
            var transfer = _transfers.FirstOrDefault(t => t.CommandKey == request.CommandKey && t.State < 3)
                ?? throw new CpeFaultException(FaultCode.CancelTransferNotPermitted, $"No queued transfer has the command key '{request.CommandKey}'.");
            if (transfer.State != 1)
            {
                throw new CpeFaultException(FaultCode.CancelTransferNotPermitted, "The transfer has already started.");
            }

            transfer.Cancelled = true;
            _transfers.Remove(transfer);
        }

        return new CancelTransferResponse();
    }

    private static void RequireHttps(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new CpeFaultException(FaultCode.UnsupportedTransferProtocol, "Transfers use https:// only.");
        }
    }

    // Transfers start once the session that asked for them has ended (TR-069 §3.7.1.5).
    private void StartTransfer(Transfer transfer, TimeSpan delay)
    {
        lock (_gate)
        {
            _transfers.Add(transfer);
        }

        AfterSession(cancellationToken =>
        {
            _ = Task.Run(() => RunTransferAsync(transfer, delay), CancellationToken.None);
            return Task.CompletedTask;
        });
    }

    private async Task RunTransferAsync(Transfer transfer, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time).ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (transfer.Cancelled)
            {
                return;
            }

            transfer.State = 2;
        }

        var start = _time.GetUtcNow();
        using var files = FileClient(transfer);
        var (fault, message) = transfer.IsDownload ? await DownloadAsync(files, transfer).ConfigureAwait(false) : await UploadAsync(files, transfer).ConfigureAwait(false);
        var complete = _time.GetUtcNow();
        if (fault != 0)
        {
            AgentLog.DownloadFailed(_log, Model.Identity.SerialNumber, transfer.CommandKey, fault, message);
        }

        lock (_gate)
        {
            transfer.State = 3;
            _transfers.Remove(transfer);
        }

        QueueCpeRequest(new TransferCompleteRequest(transfer.CommandKey, fault == 0 ? TransferFault.None : new TransferFault(fault, message), start, complete));
        AddEvent(EventCodes.TransferComplete);
        AddEvent(transfer.IsDownload ? (transfer.Scheduled ? EventCodes.MScheduleDownload : EventCodes.MDownload) : EventCodes.MUpload, transfer.CommandKey);
        Wake();
    }

    private async Task<(int Fault, string Message)> DownloadAsync(HttpClient files, Transfer transfer)
    {
        byte[] file;
        byte[] signatureDocument;
        try
        {
            var limit = transfer.FileSize > 0 ? Math.Min(transfer.FileSize, _options.MaxDownloadBytes) : _options.MaxDownloadBytes;
            var (status, body) = await FetchAsync(files, transfer.Url, limit).ConfigureAwait(false);
            if (status != 200)
            {
                return status switch
                {
                    401 or 403 => (FaultCode.FileTransferServerAuthenticationFailure, $"the file server answered {status}"),
                    _ => (FaultCode.DownloadCannotAccessFile, $"the file server answered {status}"),
                };
            }

            if (body is null)
            {
                return (FaultCode.DownloadFileCorrupted, $"the file is larger than {limit} bytes");
            }

            file = body;
            var (sigStatus, sig) = await FetchAsync(files, transfer.Url + ".sig", FileSignature.MaxDocumentBytes).ConfigureAwait(false);
            if (sigStatus != 200 || sig is null)
            {
                return (FaultCode.DownloadFileCorrupted, "the file has no signature (" + transfer.Url + ".sig answered " + sigStatus + ")");
            }

            signatureDocument = sig;
        }
        catch (HttpRequestException e)
        {
            return (FaultCode.DownloadCannotContactFileServer, e.Message);
        }
        catch (TaskCanceledException)
        {
            return (FaultCode.DownloadIncomplete, "the download timed out");
        }

        if (transfer.FileSize > 0 && file.Length != transfer.FileSize)
        {
            return (FaultCode.DownloadFileCorrupted, $"received {file.Length} bytes, FileSize says {transfer.FileSize}");
        }

        if (transfer.FileType == FirmwareImage && _options.FirmwareFailure == FirmwareFailure.DownloadFault)
        {
            return (FaultCode.DownloadFailure, "simulated download failure");
        }

        var signature = FileSignature.Parse(signatureDocument);
        if (transfer.FileType == FirmwareImage && _options.FirmwareFailure == FirmwareFailure.BadSignature)
        {
            signature = null;
        }

        if (signature is null)
        {
            return (FaultCode.DownloadFileCorrupted, "the signature document is not a palisade-signature-1 document");
        }

        if (signature.Verify(file, (IReadOnlyDictionary<string, System.Security.Cryptography.ECDsa>)_options.SigningKeys) is { } problem)
        {
            return (FaultCode.DownloadFileCorrupted, "signature check failed: " + problem);
        }

        if (transfer.FileType == ConfigurationFileType && ApplyConfiguration(file) is { } unusable)
        {
            return (FaultCode.DownloadFileCorrupted, unusable);
        }

        if (transfer.FileType == FirmwareImage)
        {
            // Installing firmware means a reboot into the new version (or, simulated, the old one, or none at all).
            if (signature.SoftwareVersion.Length > 0 && _options.FirmwareFailure != FirmwareFailure.OldVersion)
            {
                Model.SetInternal(Model.Root + "DeviceInfo.SoftwareVersion", signature.SoftwareVersion);
            }

            Rebooted();
            if (_options.FirmwareFailure == FirmwareFailure.NeverReturns)
            {
                Volatile.Write(ref _bricked, true);
                Wake();
            }

            AddEvent(EventCodes.Boot);
        }

        return (0, string.Empty);
    }

    private async Task<(int Fault, string Message)> UploadAsync(HttpClient files, Transfer transfer)
    {
        var content = transfer.FileType.StartsWith("2 ", StringComparison.Ordinal) || transfer.FileType.StartsWith("4 ", StringComparison.Ordinal)
            ? Encoding.UTF8.GetBytes($"{_time.GetUtcNow():O} {Model.Identity.SerialNumber} uptime={Model.UpTimeSeconds}s software={Model.SoftwareVersion}\n")
            : ConfigurationFile();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, transfer.Url) { Content = new ByteArrayContent(content) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(content.Length > 0 && content[0] == '{' ? "application/json" : "text/plain");
            using var response = await files.SendAsync(request).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? (0, string.Empty)
                : response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? (FaultCode.FileTransferServerAuthenticationFailure, $"the server answered {(int)response.StatusCode}")
                : (FaultCode.UploadFailure, $"the server answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (FaultCode.UploadFailure, e.Message);
        }
    }

    // A configuration file (as ConfigurationFile writes it) taken in: each value this device has is set, except how the
    // device reaches its ACS (ManagementServer.*), which the agent keeps as its own; null, or why the file is unusable.
    private string? ApplyConfiguration(byte[] file)
    {
        Dictionary<string, string>? values;
        try
        {
            values = JsonSerializer.Deserialize<Dictionary<string, string>>(file);
        }
        catch (JsonException e)
        {
            return "the configuration file is not a JSON object of values: " + e.Message;
        }

        foreach (var (name, value) in values ?? [])
        {
            if (!name.StartsWith(Model.Root + "ManagementServer.", StringComparison.Ordinal) && Model.Get(name) is not null)
            {
                Model.SetLocal(name, value);
            }
        }

        return null;
    }

    // The configuration file: every writable parameter's value, secrets left out.
    private byte[] ConfigurationFile()
    {
        var writable = Model.GetNames(Model.Root, nextLevel: false).Where(p => p.Writable && !p.IsObject).Select(p => p.Name);
        var values = Model.GetValues(writable.ToList());
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            foreach (var v in values)
            {
                if (!SecretParameters.IsSecret(v.Name))
                {
                    json.WriteString(v.Name, v.Value.Text);
                }
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async Task<(int Status, byte[]? Body)> FetchAsync(HttpClient files, string url, long limit)
    {
        using var response = await files.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return ((int)response.StatusCode, null);
        }

        if (response.Content.Headers.ContentLength is { } length && length > limit)
        {
            return (200, null);
        }

        await using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (200, null);
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read)).ConfigureAwait(false);
        }

        return (200, buffer.ToArray());
    }

    // One client per transfer, with that transfer's credentials (Digest or Basic as the server asks, over TLS).
#pragma warning disable CA2000 // The HttpClient owns the handler.
    private HttpClient FileClient(Transfer transfer) =>
        new(FileHandler(transfer.Username.Length > 0 ? new NetworkCredential(transfer.Username, transfer.Password) : null), disposeHandler: true) { Timeout = TimeSpan.FromMinutes(10), MaxResponseContentBufferSize = 1024 * 1024 };
#pragma warning restore CA2000

    private SocketsHttpHandler FileHandler(ICredentials? credentials) => new()
    {
        Credentials = credentials,
        PreAuthenticate = false,
        AllowAutoRedirect = false,
        SslOptions = Transport.AcsClient.TlsOptions(_options.TrustedCas, _options.InsecureSkipVerify),
    };

    private sealed class Transfer(string commandKey, bool isDownload, string fileType, string url, string username, string password, uint fileSize, string targetFileName)
    {
        public string CommandKey { get; } = commandKey;

        public bool IsDownload { get; } = isDownload;

        public string FileType { get; } = fileType;

        public string Url { get; } = url;

        public string Username { get; } = username;

        public string Password { get; } = password;

        public uint FileSize { get; } = fileSize;

        public string TargetFileName { get; } = targetFileName;

        public bool Scheduled { get; init; }

        /// <summary>1 not started, 2 in progress, 3 completed (TR-069 A.4.1.1).</summary>
        public int State { get; set; } = 1;

        public bool Cancelled { get; set; }
    }
}
