using System.CommandLine;
using Palisade.Commands;

// The composition root of the `palisade` executable: one file per command under Commands/.
var root = new RootCommand("Palisade: a secure TR-069 (CWMP) ACS with a CPE agent, fleet simulator and auditor.")
{
    ServeCommand.Create(),
    SimCommand.Create(),
    CpeCommand.Create(),
    KeysCommand.Create(),
    AuditLogCommand.Create(),
    AuditCommand.Create(),
    PostureCommand.Create(),
    DbCommand.Create(),
    ApiClientCommands.Devices(),
    ApiClientCommands.Task(),
    ProvisioningCommands.Presets(),
    ProvisioningCommands.Scripts("provisions", "provisions", "provisions", "provision"),
    ProvisioningCommands.Scripts("vparams", "virtual-parameters", "virtualParameters", "virtual parameter"),
    ImportCommand.Create(),
    FilesCommand.Create(),
    CampaignsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
