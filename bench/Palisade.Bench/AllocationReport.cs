using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Palisade.Bench;

/// <summary>
/// Where a server allocates, from a trace taken with <c>dotnet-trace collect -p PID --profile gc-verbose</c>: the
/// runtime's allocation ticks (one about every 100 KB allocated, naming the type and the stack) summed by type, by
/// Palisade method (inclusive) and by stack. Shares are of sampled bytes, so they are estimates that settle with
/// a few seconds of trace.
/// </summary>
internal static class AllocationReport
{
    public static int Run(string tracePath, int top, int depth)
    {
        if (!File.Exists(tracePath))
        {
            Console.Error.WriteLine($"No trace at {tracePath}. Take one with: dotnet-trace collect -p PID --profile gc-verbose --duration 00:00:10 -o {tracePath}");
            return 2;
        }

        var etlx = TraceLog.CreateFromEventPipeDataFile(tracePath);
        try
        {
            using var log = new TraceLog(etlx);
            var byType = new Dictionary<string, double>();
            var byMethod = new Dictionary<string, double>();
            var byStack = new Dictionary<string, double>();
            double total = 0;
            foreach (var data in log.Events)
            {
                if (data is not GCAllocationTickTraceData tick)
                {
                    continue;
                }

                double bytes = tick.AllocationAmount64;
                total += bytes;
                Add(byType, tick.TypeName, bytes);
                var frames = new List<string>();
                for (var frame = data.CallStack(); frame is not null; frame = frame.Caller)
                {
                    frames.Add(frame.CodeAddress.FullMethodName is { Length: > 0 } name ? name : frame.CodeAddress.ModuleName + "!?");
                }

                foreach (var method in frames.Where(f => f.StartsWith("Palisade.", StringComparison.Ordinal)).Distinct())
                {
                    Add(byMethod, method, bytes);
                }

                Add(byStack, tick.TypeName + " <- " + string.Join(" <- ", frames.Take(depth)), bytes);
            }

            if (total == 0)
            {
                Console.Error.WriteLine("The trace holds no allocation ticks: collect it with --profile gc-verbose.");
                return 2;
            }

            Console.WriteLine($"{total / 1e6:0.0} MB of allocations sampled");
            Print("by type", byType, total, top);
            Print("by Palisade method (inclusive)", byMethod, total, top);
            Print($"by type and the {depth} innermost frames", byStack, total, top);
            return 0;
        }
        finally
        {
            File.Delete(etlx);
        }
    }

    private static void Add(Dictionary<string, double> totals, string key, double bytes) =>
        totals[key] = totals.GetValueOrDefault(key) + bytes;

    private static void Print(string title, Dictionary<string, double> totals, double total, int top)
    {
        Console.WriteLine();
        Console.WriteLine("== " + title);
        foreach (var (key, bytes) in totals.OrderByDescending(e => e.Value).Take(top))
        {
            Console.WriteLine($"{100 * bytes / total,5:0.0} %  {key}");
        }
    }
}
