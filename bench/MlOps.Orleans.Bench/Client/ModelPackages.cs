using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;

namespace MlOps.Orleans.Bench.Client;

/// <summary>
/// Valid model packages (docs/model-package.md) of a chosen size: one MatMul with an n×n float32 initializer, input X
/// float32 [-1, n], output Y float32 [-1, n], written by Debian's python3-onnx (<c>apt-get install -y python3-onnx</c>,
/// run with <c>/usr/bin/python3</c>), and the manifest beside it. Built once per size into a cache folder and reused.
/// </summary>
internal static class ModelPackages
{
    public const string ManifestFile = "mlops-model.json";
    public const string ModelFile = "model.onnx";

    private const string Script = """
        import sys
        import numpy as np
        import onnx
        from onnx import helper, numpy_helper, TensorProto
        path, n = sys.argv[1], int(sys.argv[2])
        w = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
        x = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", n])
        y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", n])
        graph = helper.make_graph([helper.make_node("MatMul", ["X", "W"], ["Y"])], "bench_matmul", [x], [y],
                                  [numpy_helper.from_array(w, "W")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="mlops-bench")
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, path)
        print(onnx.__version__)
        """;

    /// <summary>The side of the square weight matrix that makes a model file of about <paramref name="megabytes"/> MB (10^6 bytes).</summary>
    public static int SideFor(double megabytes) => (int)Math.Round(Math.Sqrt(megabytes * 1e6 / 4));

    /// <summary>The package folder for side <paramref name="n"/> under <paramref name="cache"/>, built when missing.</summary>
    public static async Task<string> EnsureAsync(string cache, int n, string python, CancellationToken ct)
    {
        var folder = Path.Combine(cache, $"matmul-{n}");
        if (File.Exists(Path.Combine(folder, ManifestFile)) && File.Exists(Path.Combine(folder, ModelFile))) return folder;
        var building = folder + $".building-{Environment.ProcessId}";
        Directory.CreateDirectory(building);
        var stopwatch = Stopwatch.StartNew();
        var onnxVersion = await RunPythonAsync(python, Path.Combine(building, ModelFile), n, ct);
        await File.WriteAllTextAsync(Path.Combine(building, ManifestFile), Manifest(n, onnxVersion).ToJsonString(new() { WriteIndented = true }), ct);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(building, folder);
        Console.Error.WriteLine($"# built model package {folder} ({new FileInfo(Path.Combine(folder, ModelFile)).Length / 1e6:0.0} MB ONNX) in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return folder;
    }

    private static JsonObject Manifest(int n, string onnxVersion)
    {
        JsonObject Tensor(string name) => new()
        {
            ["name"] = name, ["element_type"] = "float32", ["shape"] = new JsonArray(-1, n),
        };
        return new JsonObject
        {
            ["format_version"] = 1,
            ["flavor"] = "onnx",
            ["model_file"] = ModelFile,
            ["signature"] = new JsonObject { ["inputs"] = new JsonArray(Tensor("X")), ["outputs"] = new JsonArray(Tensor("Y")) },
            ["metadata"] = new JsonObject
            {
                ["training_framework"] = "onnx (python3-onnx)", ["framework_version"] = onnxVersion,
                ["created_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["purpose"] = "MlOps.Orleans.Bench register workload",
            },
        };
    }

    private static async Task<string> RunPythonAsync(string python, string output, int n, CancellationToken ct)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", Script, output, n.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{python} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new UsageException($"cannot run {python} ({e.Message}); install Debian's python3-onnx and pass --python /usr/bin/python3");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
                throw new UsageException($"{python} could not build the ONNX model (apt-get install -y python3-onnx?): {(await stderr).Trim()}");
            return (await stdout).Trim();
        }
    }
}
