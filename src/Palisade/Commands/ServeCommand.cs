using System.CommandLine;

namespace Palisade.Commands;

/// <summary>`palisade serve`: Run the ACS: CWMP endpoint, API, web UI and file server.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the ACS: CWMP endpoint, API, web UI and file server.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("palisade serve: not built yet in this version.");
            return 2;
        });
        return command;
    }
}
