from bot.ranking import shared_places


def test_equal_scores_share_a_place_and_the_next_takes_its_position() -> None:
    assert shared_places([(3, 1), (2, 5), (2, 5), (1, 0)]) == [1, 2, 2, 4]
    assert shared_places([(1, 0), (1, 0), (1, 0)]) == [1, 1, 1]
    assert shared_places([(2, 1), (2, 0)]) == [1, 2]  # the streak breaks the tie
    assert shared_places([]) == []
