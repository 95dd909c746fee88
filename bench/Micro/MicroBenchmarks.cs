using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CreatiWall.Bench.Micro;

/// <summary><c>micro [--out FILE]</c>: BenchmarkDotNet on the hot functions, in process, a short run.</summary>
public static class MicroBenchmarks
{
    public static async Task<int> RunAsync(string[] args)
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance)
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .AddLogger(new ConsoleLoggerToStderr())
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
        var summary = BenchmarkRunner.Run<HotPaths>(config);
        var table = new StringWriter();
        MarkdownExporter.GitHub.ExportToLog(summary, new TextLogger(table));
        var markdown = string.Join('\n', table.ToString().Split('\n').SkipWhile(line => !line.StartsWith('|')));
        var i = Array.IndexOf(args, "--out");
        if (i >= 0 && i + 1 < args.Length)
        {
            await File.WriteAllTextAsync(args[i + 1], markdown);
        }
        else
        {
            Console.WriteLine(markdown);
        }

        return summary.HasCriticalValidationErrors ? 1 : 0;
    }

    /// <summary>BenchmarkDotNet's progress goes to stderr, like the rest of the benchmark's.</summary>
    sealed class ConsoleLoggerToStderr : ILogger
    {
        public string Id => "stderr";
        public int Priority => 0;
        public void Write(LogKind logKind, string text) => Console.Error.Write(text);
        public void WriteLine() => Console.Error.WriteLine();
        public void WriteLine(LogKind logKind, string text) => Console.Error.WriteLine(text);
        public void Flush() => Console.Error.Flush();
    }
}
