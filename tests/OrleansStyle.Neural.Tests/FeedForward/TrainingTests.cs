using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Training;
using OrleansStyle.Neural.Serialization;
using OrleansStyle.Neural.Tensors;
using OrleansStyle.Tests.Shared;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class TrainingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleans-style-training-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<StyleModelKind> Kinds => [StyleModelKind.Single, StyleModelKind.Multi, StyleModelKind.AdaIn];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_few_steps_lower_the_loss(StyleModelKind kind)
    {
        using var trainer = Create(kind, steps: 20, learningRate: kind == StyleModelKind.AdaIn ? 3e-3f : 2e-3f);
        var losses = Enumerable.Range(0, 20).Select(_ => trainer.TrainStep().Total).ToList();

        var first = losses.Take(5).Average();
        var last = losses.TakeLast(5).Average();
        var trace = string.Join(", ", losses.Select(l => l.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(last < 0.8 * first && last < 0.8 * losses[0], $"loss {first} → {last}: {trace}");
        Assert.All(losses, l => Assert.True(float.IsFinite(l)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_checkpoint_resumes_to_the_identical_next_step(StyleModelKind kind)
    {
        var checkpoint = Path.Combine(_directory, "checkpoint.safetensors");
        using var uninterrupted = Create(kind);
        uninterrupted.TrainStep();
        uninterrupted.TrainStep();
        uninterrupted.SaveCheckpoint(checkpoint);
        uninterrupted.TrainStep();

        using var resumed = FeedForwardTrainer.Resume(checkpoint, TestNetworks.ResNet18, Photos, StylesFor(kind));
        Assert.Equal(2, resumed.Step);
        Assert.Equal(2, resumed.OptimizerSteps);
        resumed.TrainStep();

        using var fresh = Create(kind);
        for (var i = 0; i < 3; i++)
        {
            fresh.TrainStep();
        }

        var expected = Weights(uninterrupted);
        Assert.Equal(expected, Weights(resumed));
        Assert.Equal(expected, Weights(fresh));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fifty_steps_twice_give_bit_identical_weights(StyleModelKind kind)
    {
        var runs = new List<Dictionary<string, float[]>>();
        for (var run = 0; run < 2; run++)
        {
            using var trainer = Create(kind, steps: 50, learningRate: 2e-3f);
            for (var step = 0; step < 50; step++)
            {
                Assert.True(float.IsFinite(trainer.TrainStep().Total), $"run {run}, step {step + 1}: the loss is not finite");
            }

            runs.Add(Weights(trainer));
        }

        Assert.All(runs[0].Values, w => Assert.All(w, v => Assert.True(float.IsFinite(v))));
        Assert.Equal(runs[0], runs[1]);
    }

    [Fact]
    public void An_absurd_learning_rate_stops_the_run_before_a_broken_step_and_the_last_checkpoint_resumes()
    {
        var checkpoint = Path.Combine(_directory, "good.safetensors");
        using var trainer = Create(StyleModelKind.Single, steps: 200, learningRate: 1e3f);
        trainer.TrainStep();
        trainer.SaveCheckpoint(checkpoint);

        var diverged = Assert.Throws<TrainingDivergedException>(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                trainer.TrainStep();
            }
        });
        Assert.Contains($"step {diverged.Step}", diverged.Message, StringComparison.Ordinal);
        Assert.Contains("learning rate", diverged.Message, StringComparison.Ordinal);
        Assert.Equal(diverged.Step - 1, trainer.Step); // the broken step was not applied
        Assert.All(Weights(trainer).Values, w => Assert.All(w, v => Assert.True(float.IsFinite(v))));

        using var resumed = FeedForwardTrainer.Resume(
            checkpoint, TestNetworks.ResNet18, Photos, StylesFor(StyleModelKind.Single), fineTune: options => options with { LearningRate = 2e-3f });
        Assert.Equal(1, resumed.Step);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(float.IsFinite(resumed.TrainStep().Total));
        }
    }

    [Fact]
    public void Non_finite_weights_are_never_written()
    {
        using var trainer = Create(StyleModelKind.Single);
        trainer.TrainStep();
        using (no_grad())
        {
            trainer.Transformer!.parameters().First().view(-1)[0].FillWith(float.NaN);
        }

        var path = Path.Combine(_directory, "broken.safetensors");
        var error = Assert.Throws<InvalidOperationException>(() => trainer.SaveModel(path));
        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => trainer.SaveCheckpoint(path));
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Fine_tuning_from_a_checkpoint_uses_the_new_style_settings_and_continues_from_its_weights()
    {
        var checkpoint = Path.Combine(_directory, "fine-tune.safetensors");
        using var original = Create(StyleModelKind.Multi);
        original.TrainStep();
        original.SaveCheckpoint(checkpoint);
        var loss = original.TrainStep().Style;

        using var tuned = FeedForwardTrainer.Resume(
            checkpoint, TestNetworks.ResNet18, Photos, StylesFor(StyleModelKind.Multi),
            fineTune: options => options with { StyleSize = 128, StyleTaps = new Dictionary<string, float> { ["stem"] = 30f, ["layer1"] = 1f } });

        Assert.Equal(1, tuned.Step);
        Assert.Equal(128, tuned.Options.StyleSize);
        Assert.Equal(30f, tuned.Options.EffectiveStyleTaps["stem"]);
        Assert.NotEqual(loss, tuned.TrainStep().Style); // other targets, same starting weights
    }

    [Fact]
    public void Procedural_and_augmented_styles_train_reproducibly_across_a_resume()
    {
        var checkpoint = Path.Combine(_directory, "procedural.safetensors");
        var options = Options(StyleModelKind.AdaIn) with { ProceduralStyles = 3, StyleAugment = true };
        using var uninterrupted = FeedForwardTrainer.Create(TestNetworks.ResNet18, options, Photos, StylesFor(StyleModelKind.AdaIn));
        Assert.All(Enumerable.Range(0, 2).Select(_ => uninterrupted.TrainStep().Total), l => Assert.True(float.IsFinite(l)));
        uninterrupted.SaveCheckpoint(checkpoint);
        uninterrupted.TrainStep();

        using var resumed = FeedForwardTrainer.Resume(checkpoint, TestNetworks.ResNet18, Photos, StylesFor(StyleModelKind.AdaIn));
        resumed.TrainStep();
        Assert.Contains("3 procedural styles", resumed.Info.TrainingData, StringComparison.Ordinal);
        Assert.Contains("(augmented)", resumed.Info.TrainingData, StringComparison.Ordinal);
        Assert.Equal(Weights(uninterrupted), Weights(resumed));

        using var plain = Create(StyleModelKind.AdaIn);
        for (var i = 0; i < 3; i++)
        {
            plain.TrainStep();
        }

        Assert.NotEqual(Weights(uninterrupted), Weights(plain));
        Assert.NotEmpty((TrainingOptions.For(StyleModelKind.Multi) with { ProceduralStyles = 2 }).Validate(TestNetworks.ResNet18.Taps));
    }

    [Fact]
    public void An_adain_run_can_start_from_a_trained_decoder()
    {
        using var trained = Create(StyleModelKind.AdaIn);
        trained.TrainStep();
        var path = Path.Combine(_directory, "adain.safetensors");
        trained.SaveModel(path);

        using var baseModel = StyleModelFile.Load(path, TestNetworks.ResNet18);
        var options = Options(StyleModelKind.AdaIn, seed: 8) with { ProceduralStyles = 2, ProceduralCrops = 1 };
        using var fineTune = FeedForwardTrainer.Create(TestNetworks.ResNet18, options, Photos, StylesFor(StyleModelKind.AdaIn), baseModel);
        Assert.Equal(Weights(trained), Weights(fineTune));
        Assert.True(float.IsFinite(fineTune.TrainStep().Total));
        Assert.Throws<ArgumentException>(() => FeedForwardTrainer.Create(TestNetworks.ResNet18, Options(StyleModelKind.Multi), Photos, StylesFor(StyleModelKind.Multi), baseModel));
    }

    [Fact]
    public void A_run_can_start_from_a_trained_network_and_its_checkpoints_resume_exactly()
    {
        using var trained = Create(StyleModelKind.Multi);
        trained.TrainStep();
        var path = Path.Combine(_directory, "trained.safetensors");
        trained.SaveModel(path);
        using var start = Assert.IsType<TransformerStyleModel>(StyleModelFile.Load(path, TestNetworks.ResNet18));

        // Another seed and a temporal term: the weights are still the trained model's, and Adam starts at step 0.
        var options = Options(StyleModelKind.Multi, seed: 8) with { TemporalWeight = 10f };
        using var tuned = FeedForwardTrainer.StartFrom(start, TestNetworks.ResNet18, options, Photos, StylesFor(StyleModelKind.Multi));
        Assert.Equal(Weights(trained), Weights(tuned));
        Assert.Equal(0, tuned.Step);
        using (var fresh = Create(StyleModelKind.Multi, seed: 8))
        {
            Assert.NotEqual(Weights(fresh), Weights(tuned));
        }

        Assert.True(tuned.TrainStep().Temporal > 0);
        var checkpoint = Path.Combine(_directory, "tuned.checkpoint.safetensors");
        tuned.SaveCheckpoint(checkpoint);
        tuned.TrainStep();
        using var resumed = FeedForwardTrainer.Resume(checkpoint, TestNetworks.ResNet18, Photos, StylesFor(StyleModelKind.Multi));
        resumed.TrainStep();
        Assert.Equal(Weights(tuned), Weights(resumed));
        Assert.NotEqual(Weights(trained), Weights(tuned));

        var tunedPath = Path.Combine(_directory, "tuned.safetensors");
        resumed.SaveModel(tunedPath);
        using var written = StyleModelFile.Load(tunedPath, TestNetworks.ResNet18);
        Assert.Equal(3, written.Info.Steps); // the trained model's step plus the two of this run

        var reordered = Styles("the_scream", "starry_night");
        var error = Assert.Throws<ArgumentException>(() => FeedForwardTrainer.StartFrom(start, TestNetworks.ResNet18, options, Photos, reordered));
        Assert.Contains("starry_night, the_scream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_seed_trains_other_weights()
    {
        using var first = Create(StyleModelKind.Single);
        using var second = Create(StyleModelKind.Single, seed: 8);
        first.TrainStep();
        second.TrainStep();
        Assert.NotEqual(Weights(first), Weights(second));
    }

    [Fact]
    public void Adding_a_style_trains_only_its_new_rows()
    {
        using var baseModel = RandomModel(2);
        var before = baseModel.Export().ToDictionary(t => t.Name, t => t.Data);
        var options = TrainingOptions.For(StyleModelKind.Multi) with { Size = 64, Batch = 2, LearningRate = 1e-2f, Seed = 3 };
        using var trainer = FeedForwardTrainer.Create(TestNetworks.ResNet18, options, Photos, Styles("the_scream"), baseModel);
        trainer.TrainStep();
        trainer.TrainStep();

        Assert.Equal(["style0", "style1", "the_scream"], trainer.Info.Styles);
        var after = Weights(trainer);
        foreach (var (name, data) in before)
        {
            if (name.Contains(".conv2d.", StringComparison.Ordinal))
            {
                Assert.Equal(data, after[name]);
                continue;
            }

            // γ/β are [3, C]: the first two rows are the base model's, untouched; the new row learned.
            var channels = data.Length / 2;
            Assert.Equal(data, after[name][..(2 * channels)]);
            Assert.NotEqual(data[..channels], after[name][(2 * channels)..]);
        }
    }

    [Fact]
    public void Batches_depend_only_on_seed_and_step()
    {
        var photos = Photos;
        using var scope = NewDisposeScope();
        var batch = Values(photos.Batch(5, 3, 48, seed: 1, stream: 1));
        Assert.Equal(batch, Values(Photos.Batch(5, 3, 48, seed: 1, stream: 1)));
        Assert.NotEqual(batch, Values(photos.Batch(6, 3, 48, seed: 1, stream: 1)));
        Assert.NotEqual(batch, Values(photos.Batch(5, 3, 48, seed: 2, stream: 1)));
        Assert.Equal([3L, 3, 48, 48], photos.Batch(0, 3, 48, seed: 1, stream: 1).shape);
    }

    [Fact]
    public void A_photo_folder_is_read_through_the_safe_reader()
    {
        var folder = Path.Combine(_directory, "photos");
        Directory.CreateDirectory(folder);
        File.Copy(SampleImages.Content("raindrops"), Path.Combine(folder, "b.jpg"));
        File.Copy(SampleImages.Mask("yellow_flower"), Path.Combine(folder, "a.png")); // a grey PNG, read as RGB
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        File.WriteAllBytes(Path.Combine(folder, "broken.jpg"), [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3]);

        var data = TrainingData.FromDirectory(folder);
        Assert.Equal(["a", "b", "broken"], data.Names);
        using var scope = NewDisposeScope();
        for (var step = 0; step < 3; step++)
        {
            Assert.Equal([2L, 3, 64, 64], data.Batch(step, 2, 64, seed: 0, stream: 1).shape);
        }

        Assert.Equal([2], data.Rejected);
    }

    [Fact]
    public void The_preview_and_saved_model_show_the_trained_network()
    {
        using var trainer = Create(StyleModelKind.Single);
        trainer.TrainStep();
        var path = Path.Combine(_directory, "model.safetensors");
        trainer.SaveModel(path);

        using var model = StyleModelFile.Load(path);
        Assert.Equal(1, model.Info.Steps);
        Assert.Equal("test photos", model.Info.TrainingData);
        Assert.Equal(trainer.Preview(Content.Value).Data, model.Stylise(Content.Value, StyleChoice.Trained(0)).Data);
    }

    private static FeedForwardTrainer Create(StyleModelKind kind, int steps = 3, float learningRate = 1e-2f, int seed = 7) =>
        FeedForwardTrainer.Create(TestNetworks.ResNet18, Options(kind, steps, learningRate, seed), Photos, StylesFor(kind));

    private static TrainingOptions Options(StyleModelKind kind, int steps = 3, float learningRate = 1e-2f, int seed = 7) =>
        TrainingOptions.For(kind) with
        {
            Size = 64,
            Batch = 2,
            Steps = steps,
            LearningRate = learningRate,
            Width = kind == StyleModelKind.AdaIn ? TinyAdaIn.Width : Tiny.Width,
            ResidualBlocks = Tiny.ResidualBlocks,
            Seed = seed,
        };

    private static TrainingData StylesFor(StyleModelKind kind) => kind switch
    {
        StyleModelKind.Single => Styles("starry_night"),
        _ => Styles("starry_night", "the_scream"),
    };

    private static Dictionary<string, float[]> Weights(FeedForwardTrainer trainer)
    {
        var path = Path.GetTempFileName();
        try
        {
            trainer.SaveModel(path);
            return SafeTensors.Read(path).Tensors.ToDictionary(t => t.Key, t => t.Value.Data);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
