using Microsoft.ML;
using Microsoft.ML.Data;
using MlOps.Orleans.Models.Mlflow;

namespace MlOps.Orleans.Tests.Models.Mlflow;

/// <summary>
/// Writes MLflow model folders the way <c>mlflow.onnx.log_model</c> and <c>mlflow.sklearn.log_model</c> lay them out:
/// the MLmodel YAML is written here by hand, the ONNX graph comes from the trained ML.NET fixture.
/// </summary>
internal static class MlflowPackages
{
    /// <summary>The fixture's graph (inputs Label bool [-1, 1] and Features float32 [-1, 4]) with its tensor signature.</summary>
    public const string TensorInputs =
        """[{"type": "tensor", "tensor-spec": {"dtype": "bool", "shape": [-1, 1]}, "name": "Label"}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, "name": "Features"}]""";

    public const string TensorExample = """{"inputs": {"Label": [[true]], "Features": [[0.5, -0.25, 1.0, 0.0]]}}""";

    /// <summary>Four double columns, which stack into the single-input graph's Features float32 [-1, 4].</summary>
    public const string ColumnInputs =
        """[{"type": "double", "name": "x0", "required": true}, {"type": "double", "name": "x1", "required": true}, {"type": "double", "name": "x2", "required": true}, {"type": "double", "name": "x3", "required": true}]""";

    public const string ColumnExample = """{"dataframe_split": {"columns": ["x3", "x2", "x1", "x0"], "data": [[0.0, 1.0, -0.25, 0.5], [1, 2, 3, 4]]}}""";

    /// <summary>An onnx-flavor folder around the fixture's two-input graph.</summary>
    public static string Onnx(TrainedPackageFixture fixture, string inputs = TensorInputs, string? example = TensorExample)
    {
        var folder = NewFolder(fixture);
        File.Copy(Path.Combine(fixture.PackageDirectory, "model.onnx"), Path.Combine(folder, "model.onnx"));
        return Write(folder, OnnxMlmodel(inputs, example is not null), example);
    }

    /// <summary>An onnx-flavor folder around a single-input graph (Features float32 [-1, 4]), as skl2onnx exports one.</summary>
    public static string SingleInputOnnx(TrainedPackageFixture fixture, string inputs = ColumnInputs, string? example = ColumnExample)
    {
        var folder = NewFolder(fixture);
        // The trained classifier reads only Features; exporting it over data without Label leaves Label out of the graph.
        var featuresOnly = fixture.Ml.Data.LoadFromEnumerable(fixture.Rows.Take(10).Select(row => new FeatureRow { Features = row.Features }));
        using (var onnx = File.Create(Path.Combine(folder, "model.onnx")))
        {
            fixture.Ml.Model.ConvertToOnnx(fixture.Model, featuresOnly, onnx);
        }

        return Write(folder, OnnxMlmodel(inputs, example is not null), example);
    }

    /// <summary>What mlflow.sklearn writes: a pickle (here bytes no one may read) and the Python environment files.</summary>
    public static string Sklearn(TrainedPackageFixture fixture)
    {
        var folder = NewFolder(fixture);
        File.WriteAllBytes(Path.Combine(folder, "model.pkl"), [0x80, 0x04, 0x95, 0xFF, 0x2E]);
        File.WriteAllText(Path.Combine(folder, "conda.yaml"), "channels: [conda-forge]\ndependencies: [python=3.11.9, pip: [mlflow==2.17.0, scikit-learn==1.5.2]]\n");
        File.WriteAllText(Path.Combine(folder, "python_env.yaml"), "python: 3.11.9\ndependencies: [-r requirements.txt]\n");
        File.WriteAllText(Path.Combine(folder, "requirements.txt"), "mlflow==2.17.0\nscikit-learn==1.5.2\n");
        return Write(folder, """
            artifact_path: model
            flavors:
              python_function:
                env:
                  conda: conda.yaml
                  virtualenv: python_env.yaml
                loader_module: mlflow.sklearn
                model_path: model.pkl
                predict_fn: predict
                python_version: 3.11.9
              sklearn:
                code: null
                pickled_model: model.pkl
                serialization_format: cloudpickle
                sklearn_version: 1.5.2
            mlflow_version: 2.17.0
            model_size_bytes: 5
            model_uuid: 5f1a0c3e2b8d4e6f9a7b1c2d3e4f5a6b
            run_id: 0123456789abcdef0123456789abcdef
            signature:
              inputs: '[{"type": "double", "name": "x0", "required": true}, {"type": "datetime", "name": "when", "required": true}]'
              outputs: '[{"type": "long", "required": true}]'
              params: null
            utc_time_created: '2025-03-01 10:00:00.123456'
            """, example: null);
    }

    /// <summary>A folder holding only the given MLmodel text (and the fixture's graph as model.onnx).</summary>
    public static string WithMlmodel(TrainedPackageFixture fixture, string mlmodel)
    {
        var folder = NewFolder(fixture);
        File.Copy(Path.Combine(fixture.PackageDirectory, "model.onnx"), Path.Combine(folder, "model.onnx"));
        return Write(folder, mlmodel, example: null);
    }

    /// <summary>MLmodel text as mlflow.onnx.log_model writes it; JSON goes inside single-quoted YAML strings.</summary>
    public static string OnnxMlmodel(string inputs, bool example, string data = "model.onnx") => $"""
        artifact_path: model
        flavors:
          onnx:
            code: null
            data: {data}
            onnx_version: 1.17.0
            providers:
            - CUDAExecutionProvider
            - CPUExecutionProvider
          python_function:
            data: {data}
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.onnx
            python_version: 3.11.9
        mlflow_version: 2.17.0
        model_size_bytes: 1024
        model_uuid: 0b3c6f2e1d4a4b5c8d9e0f1a2b3c4d5e
        run_id: 0123456789abcdef0123456789abcdef
        {(example ? "saved_input_example_info:\n  artifact_path: input_example.json\n  type: ndarray\n  format: tf-serving" : "")}
        signature:
          inputs: '{inputs}'
          outputs: null
          params: null
        utc_time_created: '2025-03-01 10:00:00.123456'
        """;

    private static string NewFolder(TrainedPackageFixture fixture) =>
        Directory.CreateDirectory(Path.Combine(fixture.Root, "mlflow-" + Guid.NewGuid().ToString("N"))).FullName;

    private static string Write(string folder, string mlmodel, string? example)
    {
        File.WriteAllText(Path.Combine(folder, MlmodelFile.FileName), mlmodel);
        if (example is not null)
        {
            File.WriteAllText(Path.Combine(folder, "input_example.json"), example);
        }

        return folder;
    }

    /// <summary>The fixture's rows without their label.</summary>
    private sealed class FeatureRow
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }
}
