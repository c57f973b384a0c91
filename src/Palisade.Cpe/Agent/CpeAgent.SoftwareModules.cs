using Palisade.Cpe.Model;
using Palisade.Cpe.SoftwareModules;
using Palisade.Cwmp;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Security.Signing;

namespace Palisade.Cpe.Agent;

public sealed partial class CpeAgent
{
    /// <summary>The agent's deployment and execution units (<c>SoftwareModules.</c>).</summary>
    public SoftwareInventory Software { get; } = new();

    /// <summary>Asks the ACS for a file in the next session (RequestDownload, TR-069 A.4.2.2), as a CPE whose user asked for an update does.</summary>
    public void RequestDownload(string fileType, IReadOnlyList<ArgStruct> arguments)
    {
        ArgumentNullException.ThrowIfNull(fileType);
        ArgumentNullException.ThrowIfNull(arguments);
        QueueCpeRequest(new RequestDownloadRequest(fileType, new EquatableList<ArgStruct>(arguments)));
        AddEvent(EventCodes.RequestDownload);
        Wake();
    }

    // GetParameterValues: names under SoftwareModules and inside the diagnostics objects come from the agent's own models.
    private GetParameterValuesResponse GetValues(GetParameterValuesRequest gpv)
    {
        var root = Model.Root;
        bool Own(string n) => SoftwareInventory.Owns(root, n) || Diagnostics.Owns(n);
        if (!gpv.ParameterNames.Any(Own))
        {
            return new GetParameterValuesResponse([.. Model.GetValues(gpv.ParameterNames)]);
        }

        var rest = gpv.ParameterNames.Where(n => !Own(n)).ToList();
        return new GetParameterValuesResponse(
        [
            .. rest.Count > 0 ? Model.GetValues(rest) : [],
            .. Software.GetValues(root, gpv.ParameterNames.Where(n => SoftwareInventory.Owns(root, n))),
            .. Diagnostics.Get(gpv.ParameterNames.Where(Diagnostics.Owns)),
        ]);
    }

    // ChangeDUState (TR-069 A.4.1.10): checked now, run after the session, reported with DUStateChangeComplete.
    private ChangeDUStateResponse ChangeDuState(ChangeDUStateRequest request)
    {
        if (request.Operations.Count is 0 or > 16)
        {
            throw new CpeFaultException(FaultCode.InvalidArguments, "ChangeDUState takes 1 to 16 operations.");
        }

        foreach (var operation in request.Operations)
        {
            switch (operation)
            {
                case InstallOperation install: RequireHttps(install.Url); break;
                case UpdateOperation { Url.Length: > 0 } update: RequireHttps(update.Url); break;
            }
        }

        AfterSession(token =>
        {
            _ = Task.Run(() => RunDuStateChangeAsync(request), CancellationToken.None);
            return Task.CompletedTask;
        });
        return new ChangeDUStateResponse();
    }

    private async Task RunDuStateChangeAsync(ChangeDUStateRequest request)
    {
        var results = new List<DeploymentUnitResult>();
        foreach (var operation in request.Operations)
        {
            var start = _time.GetUtcNow();
            var (fault, message, unit, performed, uuid) = operation switch
            {
                InstallOperation install => await InstallAsync(install).ConfigureAwait(false),
                UpdateOperation update => await UpdateAsync(update).ConfigureAwait(false),
                UninstallOperation uninstall => Uninstall(uninstall),
                _ => (FaultCode.InvalidArguments, "unknown operation", null, "Unknown", string.Empty),
            };
            var reference = unit is null || unit.Uninstalled ? string.Empty : Model.Root + "SoftwareModules.DeploymentUnit." + unit.Instance;
            results.Add(new DeploymentUnitResult(
                unit?.Uuid ?? uuid,
                reference,
                unit?.Version ?? string.Empty,
                unit is null ? "Failed" : unit.Uninstalled ? "Uninstalled" : "Installed",
                unit is not null && !unit.Uninstalled,
                unit is null || unit.Uninstalled ? string.Empty : Model.Root + "SoftwareModules.ExecutionUnit." + unit.Instance,
                start,
                _time.GetUtcNow(),
                fault == 0 ? TransferFault.None : new TransferFault(fault, message),
                performed));
        }

        QueueCpeRequest(new DUStateChangeCompleteRequest(new EquatableList<DeploymentUnitResult>(results), request.CommandKey));
        AddEvent(EventCodes.DuStateChangeComplete);
        AddEvent(EventCodes.MChangeDuState, request.CommandKey);
        Wake();
    }

    private async Task<(int, string, DeploymentUnit?, string, string)> InstallAsync(InstallOperation install)
    {
        var (fault, message, version) = await FetchSignedAsync(install.Url).ConfigureAwait(false);
        if (fault != 0)
        {
            return (fault, message, null, "Install", install.Uuid);
        }

        var name = Path.GetFileNameWithoutExtension(new Uri(install.Url).AbsolutePath);
        var (f, m, unit) = Software.Install(install.Uuid, install.Url, name.Length > 0 ? name : "unit", version);
        return (f, m, unit, "Install", install.Uuid);
    }

    private async Task<(int, string, DeploymentUnit?, string, string)> UpdateAsync(UpdateOperation update)
    {
        var current = Software.Find(update.Uuid);
        if (current is null)
        {
            return (FaultCode.UnknownDeploymentUnit, "no deployment unit has this UUID", null, "Update", update.Uuid);
        }

        var url = update.Url.Length > 0 ? update.Url : current.Url;
        var (fault, message, version) = await FetchSignedAsync(url).ConfigureAwait(false);
        if (fault != 0)
        {
            return (fault, message, current, "Update", update.Uuid);
        }

        var (f, m, unit) = Software.Update(update.Uuid, url, version);
        return (f, m, unit, "Update", update.Uuid);
    }

    private (int, string, DeploymentUnit?, string, string) Uninstall(UninstallOperation uninstall)
    {
        var (f, m, unit) = Software.Uninstall(uninstall.Uuid, uninstall.Version);
        return (f, m, unit, "Uninstall", uninstall.Uuid);
    }

    // A deployment unit is a file like any download: https, bounded, and accepted only with a trusted signature, whose
    // signed softwareVersion is the unit's version.
    private async Task<(int Fault, string Message, string Version)> FetchSignedAsync(string url)
    {
#pragma warning disable CA2000 // The HttpClient owns the handler.
        using var files = new HttpClient(FileHandler(null), disposeHandler: true) { Timeout = TimeSpan.FromMinutes(10) };
#pragma warning restore CA2000
        try
        {
            var (status, body) = await FetchAsync(files, url, _options.MaxDownloadBytes).ConfigureAwait(false);
            if (status != 200 || body is null)
            {
                return (FaultCode.DownloadCannotAccessFile, body is null && status == 200 ? "the unit is too large" : $"the file server answered {status}", string.Empty);
            }

            var (sigStatus, sig) = await FetchAsync(files, url + ".sig", FileSignature.MaxDocumentBytes).ConfigureAwait(false);
            var signature = sigStatus == 200 && sig is not null ? FileSignature.Parse(sig) : null;
            if (signature is null)
            {
                return (FaultCode.DownloadFileCorrupted, "the unit has no palisade-signature-1 signature", string.Empty);
            }

            if (signature.Verify(body, (IReadOnlyDictionary<string, System.Security.Cryptography.ECDsa>)_options.SigningKeys) is { } problem)
            {
                return (FaultCode.DownloadFileCorrupted, "signature check failed: " + problem, string.Empty);
            }

            return (0, string.Empty, signature.SoftwareVersion.Length > 0 ? signature.SoftwareVersion : "1.0");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (FaultCode.DownloadCannotContactFileServer, e.Message, string.Empty);
        }
    }
}
