using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Cli.Tests;

/// <summary>Runs <c>train</c> in-process: a run that diverges exits non-zero with one line and writes no model.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleans-style-train-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_temporal_weight_trains_a_model_in_process_and_is_refused_where_it_cannot_apply()
    {
        var photos = Directory.CreateDirectory(Path.Combine(_folder, "photos")).FullName;
        File.Copy(SampleImages.Content("garden"), Path.Combine(photos, "garden.jpg"));
        var model = Path.Combine(_folder, "t.safetensors");
        string[] common = ["train", "--kind", "single", "--content", photos, "--style", SampleImages.Style("starry_night"),
            "--size", "64", "--batch", "1", "--width", "8", "--steps", "2", "-o", model, "--checkpoint-every", "0"];

        var (code, error) = await Cli.Run([.. common, "--temporal-weight", "50"]);
        Assert.True(code == 0, error);
        Assert.True(File.Exists(model));

        (code, error) = await Cli.Run([.. common, "--temporal-weight", "-1"]);
        Assert.Equal(2, code);
        Assert.Contains("finite and non-negative", error);

        (code, error) = await Cli.Run([.. common, "--temporal-weight", "50", "--gateway", "http://localhost:1"]);
        Assert.Equal(2, code);
        Assert.Contains("--temporal-weight trains in this process only", error);
    }

    [Fact]
    public async Task From_fine_tunes_a_trained_model_and_refuses_what_it_cannot_start_from()
    {
        var photos = Directory.CreateDirectory(Path.Combine(_folder, "photos")).FullName;
        File.Copy(SampleImages.Content("garden"), Path.Combine(photos, "garden.jpg"));
        var trained = Path.Combine(_folder, "trained.safetensors");
        var tuned = Path.Combine(_folder, "tuned.safetensors");
        string[] data = ["--content", photos, "--style", SampleImages.Style("starry_night"), SampleImages.Style("the_scream"),
            "--size", "64", "--batch", "1", "--checkpoint-every", "0"];

        var (code, error) = await Cli.Run(["train", "--kind", "multi", "--width", "8", "--steps", "2", "-o", trained, .. data]);
        Assert.True(code == 0, error);
        (code, error) = await Cli.Run(["train", "--from", trained, "--temporal-weight", "10", "--steps", "1", "-o", tuned, .. data]);
        Assert.True(code == 0, error);
        var before = OrleansStyle.Neural.Serialization.SafeTensors.Read(trained);
        var after = OrleansStyle.Neural.Serialization.SafeTensors.Read(tuned);
        Assert.Equal("3", after.Metadata["steps"]); // 2 of the trained model + 1 fine-tuning step
        Assert.Equal(before.Metadata["architecture"], after.Metadata["architecture"]); // --width not given: the model's
        Assert.Equal(before.Tensors.Keys.Order(), after.Tensors.Keys.Order());

        (code, error) = await Cli.Run(["train", "--from", trained, "--resume", tuned, "--steps", "1", "-o", tuned, .. data]);
        Assert.Equal(2, code);
        Assert.Contains("--from starts a new run", error, StringComparison.Ordinal);
        (code, error) = await Cli.Run(["train", "--from", Path.Combine(_folder, "missing.safetensors"), "--steps", "1", "-o", tuned, .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("missing.safetensors", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_absurd_learning_rate_fails_with_the_step_and_writes_no_model_and_the_checkpoint_resumes()
    {
        var photos = Directory.CreateDirectory(Path.Combine(_folder, "photos")).FullName;
        foreach (var name in new[] { "dune", "garden" })
        {
            File.Copy(SampleImages.Content(name), Path.Combine(photos, Path.GetFileName(SampleImages.Content(name))));
        }

        var model = Path.Combine(_folder, "s.safetensors");
        var checkpoint = Path.Combine(_folder, "s.checkpoint.safetensors");
        string[] common = ["train", "--kind", "single", "--content", photos, "--style", SampleImages.Style("starry_night"),
            "--size", "64", "--batch", "2", "--width", "8", "-o", model, "--checkpoint", checkpoint];

        var (code, error) = await Cli.Run([.. common, "--steps", "300", "--lr", "1e3", "--checkpoint-every", "0"]);
        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Matches(@"^error: Training diverged at step \d+: (.+ is (NaN|infinite|not finite)|the loss has stayed over)", line);
        Assert.Contains("start again with a lower --lr", line, StringComparison.Ordinal);
        Assert.False(File.Exists(model));
        Assert.False(File.Exists(checkpoint));

        // A good run leaves a checkpoint at step 2; resumed at an absurd rate it diverges and names that checkpoint.
        Assert.Equal(0, (await Cli.Run([.. common, "--steps", "2", "--checkpoint-every", "2"])).Code);
        File.Delete(model);
        (code, error) = await Cli.Run([.. common, "--resume", checkpoint, "--steps", "300", "--lr", "1e3", "--checkpoint-every", "0"]);
        Assert.Equal(1, code);
        Assert.Contains($"--resume {checkpoint} with a lower --lr", error, StringComparison.Ordinal);
        Assert.False(File.Exists(model));

        var (resumed, resumeError) = await Cli.Run([.. common, "--resume", checkpoint, "--steps", "4", "--lr", "1e-3"]);
        Assert.True(resumed == 0, resumeError);
        Assert.True(File.Exists(model));
    }
}
