"""Short Vietnamese news texts written for this project (no third-party text), for tests and evaluation.

Texts in one topic group report the same kind of event in different words: they must not merge.
"""

from __future__ import annotations

# topic → distinct articles on that topic (each a list of paragraphs)
SAMPLES: dict[str, list[list[str]]] = {
    "bão": [
        [
            "Chiều 12/9, cơn bão số 5 đã đi vào vùng biển phía bắc, gió mạnh cấp 10, giật cấp 12.",
            "Ban chỉ huy phòng chống thiên tai tỉnh Quảng Ninh yêu cầu tàu thuyền khẩn trương vào nơi trú ẩn,"
            " đồng thời cấm biển từ 14 giờ cùng ngày.",
            "Theo thống kê, hơn 3.200 phương tiện với gần 9.000 lao động đã được thông báo vị trí và hướng di"
            " chuyển của bão.",
            "Các huyện ven biển đã sơ tán hơn 1.500 hộ dân sống ở khu vực nguy hiểm đến nhà văn hóa và trường"
            " học kiên cố.",
            "Trung tâm Dự báo khí tượng thủy văn quốc gia cho biết từ đêm nay đến hết ngày 14/9, khu vực Bắc"
            " Bộ có mưa to đến rất to, lượng mưa phổ biến 150-250 mm.",
            "Chính quyền địa phương khuyến cáo người dân hạn chế ra đường khi có gió mạnh, chằng chống"
            " nhà cửa và dự trữ lương thực, nước uống trong ba ngày.",
        ],
        [
            "Bão số 5 mạnh lên khi tiến gần đất liền, nhiều địa phương ven biển phía bắc đồng loạt ra lệnh"
            " cấm biển.",
            "Tại Hải Phòng, lực lượng biên phòng đã kêu gọi hàng nghìn tàu cá về bến, hướng dẫn ngư dân neo"
            " đậu an toàn trong các khu tránh trú.",
            "Ông Nguyễn Văn Hải, Chi cục trưởng Chi cục Thủy sản, nói rằng các lồng bè nuôi trồng trên biển"
            " là đối tượng dễ bị thiệt hại nhất.",
            "Thành phố đã bố trí 40 điểm sơ tán, chuẩn bị xe cứu thương, máy phát điện và các đội xung kích"
            " túc trực suốt đêm.",
            "Nhiều trường học thông báo cho học sinh nghỉ học ngày 13/9 để bảo đảm an toàn trong lúc bão đổ"
            " bộ.",
            "Ngành điện cũng cắt giảm tải tại một số trạm biến áp ven biển nhằm tránh sự cố khi gió giật"
            " mạnh.",
        ],
    ],
    "giao thông": [
        [
            "Khoảng 6 giờ sáng 3/5, trên quốc lộ 1 đoạn qua huyện Phù Cát, tỉnh Bình Định, xe khách chở 30"
            " hành khách va chạm với xe tải đi ngược chiều.",
            "Cú tông mạnh khiến đầu xe khách biến dạng, tài xế và hai hành khách ngồi phía trước bị thương"
            " nặng, được đưa đi cấp cứu.",
            "Những người còn lại may mắn chỉ bị xây xát nhẹ và được nhà xe bố trí phương tiện khác để tiếp"
            " tục hành trình vào phía nam.",
            "Vụ tai nạn khiến giao thông qua khu vực ùn tắc gần hai giờ, hàng dài phương tiện nối đuôi nhau"
            " chờ lực lượng chức năng giải tỏa hiện trường.",
            "Công an tỉnh đang điều tra nguyên nhân, bước đầu xác định xe tải lấn làn khi vượt một xe máy"
            " trên đoạn đường cong.",
        ],
        [
            "Một vụ tai nạn giữa xe khách và xe tải xảy ra sáng nay trên quốc lộ 1 tại Bình Định làm ba"
            " người bị thương.",
            "Theo nhân chứng, trời còn mờ sương, xe tải chạy tốc độ cao rồi bất ngờ chuyển làn, tài xế xe"
            " khách không kịp xử lý.",
            "Người dân gần đó đã phá cửa kính để đưa các nạn nhân ra ngoài trước khi xe cứu thương đến.",
            "Bệnh viện đa khoa khu vực cho biết một nạn nhân bị gãy chân, hai người còn lại chấn thương phần"
            " mềm, hiện sức khỏe đã ổn định.",
            "Cảnh sát giao thông đã đo đạc hiện trường, tạm giữ hai phương tiện và lấy lời khai các tài xế"
            " để làm rõ trách nhiệm.",
        ],
    ],
    "kinh tế": [
        [
            "Tổng cục Thống kê cho biết kim ngạch xuất khẩu 6 tháng đầu năm đạt 190 tỷ USD, tăng 14% so với"
            " cùng kỳ năm trước.",
            "Nhóm hàng điện tử, máy tính và linh kiện tiếp tục dẫn đầu với giá trị hơn 35 tỷ USD, chiếm gần"
            " một phần năm tổng kim ngạch.",
            "Xuất khẩu nông sản cũng khởi sắc khi giá cà phê và gạo duy trì ở mức cao, giúp nhiều doanh"
            " nghiệp có đơn hàng đến cuối năm.",
            "Cán cân thương mại hàng hóa ước tính xuất siêu khoảng 12 tỷ USD, góp phần ổn định tỷ giá và dự"
            " trữ ngoại hối.",
            "Các chuyên gia nhận định nửa cuối năm vẫn còn nhiều rủi ro do nhu cầu tại một số thị trường lớn"
            " chưa phục hồi rõ nét.",
        ],
        [
            "Xuất khẩu tăng trưởng hai con số trong nửa đầu năm nhờ đơn hàng điện tử và nông sản, theo số"
            " liệu vừa công bố.",
            "Bộ Công Thương đánh giá các hiệp định thương mại tự do đã giúp hàng Việt Nam thâm nhập sâu hơn"
            " vào châu Âu và Bắc Mỹ.",
            "Tuy vậy, nhiều hiệp hội ngành hàng phản ánh chi phí vận tải biển tăng trở lại, bào mòn lợi nhuận"
            " của doanh nghiệp vừa và nhỏ.",
            "Ngành dệt may kỳ vọng đạt mục tiêu 44 tỷ USD trong năm nay nếu các thị trường chính giữ được sức"
            " mua.",
            "Bộ đề nghị các địa phương đẩy mạnh xúc tiến thương mại, hỗ trợ doanh nghiệp đáp ứng tiêu chuẩn"
            " xanh của nhà nhập khẩu.",
        ],
    ],
}

# Paragraphs an outlet might add to a reprint (a local angle, a closing note).
EXTRA_PARAGRAPHS = [
    "Phóng viên sẽ tiếp tục cập nhật thông tin về sự việc trong các bài viết tiếp theo.",
    "Trước đó, nhiều ý kiến của bạn đọc cũng đề nghị cơ quan chức năng sớm công bố kết quả để người dân"
    " yên tâm.",
]
