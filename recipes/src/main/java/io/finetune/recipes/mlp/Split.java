package io.finetune.recipes.mlp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** A deterministic split: the same rows, seed and share always hold out the same rows. */
public record Split(int[] train, int[] validation) {

    public static Split of(int rows, double validationShare, int seed) {
        List<Integer> order = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int held = (int) Math.min(rows - 1, Math.max(1, Math.round(rows * validationShare)));
        int[] validation = order.subList(0, held).stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] train = order.subList(held, rows).stream().mapToInt(Integer::intValue).sorted().toArray();
        return new Split(train, validation);
    }
}
