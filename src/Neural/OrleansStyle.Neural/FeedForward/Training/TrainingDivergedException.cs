namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>
/// A training step produced a non-finite loss or gradient, or the loss ran away from its best value. Thrown before
/// the optimiser applies the step, so the trainer's weights are still those of the last good step.
/// </summary>
public sealed class TrainingDivergedException(int step, string what, double learningRate)
    : Exception(
        $"Training diverged at step {step}: {what}. The step was not applied; try a lower learning rate " +
        $"(now {learningRate:G3}), or resume from the last good checkpoint.")
{
    /// <summary>The step that diverged (1-based, as progress reports count).</summary>
    public int Step { get; } = step;
}
